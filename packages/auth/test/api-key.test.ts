import { describe, expect, it } from "vitest";
import { verifyApiKey } from "../src/index";

describe("verifyApiKey", () => {
  const expected = "sk_live_7f3a9c1e5b2d4f6a8c0e";

  it("accepts exactly the configured key", () => {
    expect(verifyApiKey(expected, expected)).toBe(true);
  });

  it("rejects a missing, empty, prefixed, extended or differently-cased key", () => {
    expect(verifyApiKey(undefined, expected)).toBe(false);
    expect(verifyApiKey("", expected)).toBe(false);
    expect(verifyApiKey(expected.slice(0, -1), expected)).toBe(false);
    expect(verifyApiKey(`${expected}0`, expected)).toBe(false);
    expect(verifyApiKey(expected.toUpperCase(), expected)).toBe(false);
  });

  it("never matches when no key is configured", () => {
    expect(verifyApiKey("", "")).toBe(false);
    expect(verifyApiKey(undefined, "")).toBe(false);
  });

  it("compares full Unicode text, not a lossy encoding of it", () => {
    expect(verifyApiKey("clé-🔑", "clé-🔑")).toBe(true);
    expect(verifyApiKey("cle-🔑", "clé-🔑")).toBe(false);
  });
});
