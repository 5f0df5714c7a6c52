import { describe, expect, it } from "vitest";
import { toIsoLanguageCode } from "./language";

describe("toIsoLanguageCode", () => {
  it.each([
    ["english", "en"],
    ["English", "en"],
    ["german", "de"],
    ["haitian creole", "ht"],
    ["norwegian", "no"],
    ["en", "en"],
    ["EN", "en"],
    ["en-US", "en"],
    ["pt_BR", "pt"],
    ["iw", "he"],
    ["castilian", "es"],
    ["valencian", "ca"],
    ["flemish", "nl"],
    ["tagalog", "tl"],
    ["sinhalese", "si"],
  ])("%s → %s", (input, expected) => {
    expect(toIsoLanguageCode(input)).toBe(expected);
  });

  it.each([["yue"], ["hawaiian"], ["klingon"], ["zz"], [""], ["  "]])("%s has no ISO-639-1 code", (input) => {
    expect(toIsoLanguageCode(input)).toBeNull();
  });

  it("treats missing values as unknown", () => {
    expect(toIsoLanguageCode(null)).toBeNull();
    expect(toIsoLanguageCode(undefined)).toBeNull();
  });
});
