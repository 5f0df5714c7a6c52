import { describe, expect, it } from "vitest";
import { findPii, ibanValid, luhnValid, redactText, redactTimedUnits } from "../src/redact";
import { REDACTION_TABLE } from "./redact.table";

const PLACEHOLDER = /\[(PHONE|EMAIL|CARD|IBAN|CODE)[^\]]*\]/gu;
const placeholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[0]);

describe("redaction table (docs/contract.md § Redaction)", () => {
  it.each(REDACTION_TABLE)("$said", ({ said, redacted }) => {
    expect(redactText(said).text).toBe(redacted);
  });

  it("precision and recall over the table", () => {
    let truePositives = 0;
    let falsePositives = 0;
    let falseNegatives = 0;
    for (const row of REDACTION_TABLE) {
      const expected = placeholders(row.redacted);
      const actual = placeholders(redactText(row.said).text);
      const remaining = [...expected];
      for (const found of actual) {
        const at = remaining.indexOf(found);
        if (at >= 0) {
          truePositives += 1;
          remaining.splice(at, 1);
        } else falsePositives += 1;
      }
      falseNegatives += remaining.length;
    }
    const precision = truePositives / (truePositives + falsePositives);
    const recall = truePositives / (truePositives + falseNegatives);
    console.info(`redaction: ${truePositives} found, ${falsePositives} false positives, ${falseNegatives} missed`);
    expect(precision).toBe(1);
    expect(recall).toBe(1);
  });
});

describe("redactTimedUnits", () => {
  it("a number spoken over several words becomes one word spanning them", () => {
    const words = "my number is nine eight seven six five four three two one zero okay"
      .split(" ")
      .map((text, i) => ({ text, start: i, end: i + 0.5, speaker: "A" }));
    const { units, counts } = redactTimedUnits(words);
    expect(units.map((u) => u.text)).toEqual(["my", "number", "is", "[PHONE ending 3210]", "okay"]);
    expect(units[3]).toMatchObject({ start: 3, end: 12.5, speaker: "A" });
    expect(counts.PHONE).toBe(1);
  });

  it("segments without word timing keep their own timing and remaining words", () => {
    const segments = [
      { text: "write down 98765", start: 0, end: 2 },
      { text: "43210 and thanks", start: 2, end: 4 },
    ];
    const { units } = redactTimedUnits(segments);
    expect(units).toEqual([
      { text: "write down [PHONE ending 3210]", start: 0, end: 4 },
      { text: "and thanks", start: 2, end: 4 },
    ]);
  });
});

describe("checks", () => {
  it("Luhn and mod 97", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
  });

  it("a 16-digit number failing Luhn is not a card (nor a phone)", () => {
    expect(findPii("4111 1111 1111 1112".split(" "))).toEqual([]);
  });
});
