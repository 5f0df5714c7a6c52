import { describe, expect, it } from "vitest";
import { isMaskBoundary, maskEmails, maskPhoneNumbers, maskPii } from "../src/pii-mask";
import { generatedStrings } from "./generated-strings";

/** The two patterns the scanners implement (src/pii-mask.ts), as the oracle for short strings. */
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const PHONE = /(?<![\w-])\+?\d[\d ()./-]{6,}\d(?![\w-])/g;
const byPatterns = (value: string) =>
  value.replace(EMAIL, "[email]").replace(PHONE, (match) => `[phone …${match.replace(/\D/g, "").slice(-2)}]`);

const ALPHABET = [..."aZx0123456789@@..--_%++  ()//,:comrvi"];
const strings = (count: number, seed: number) => generatedStrings(ALPHABET, count, 40, seed);

describe("PII masking scanners", () => {
  it("mask exactly what the patterns mask, on 30,000 generated strings", () => {
    for (const value of strings(30_000, 0x5c2f0e1))
      expect({ value, masked: maskPii(value) }).toEqual({ value, masked: byPatterns(value) });
  });

  it("mask a string cut just before a boundary piece by piece as they mask it whole", () => {
    let cuts = 0;
    for (const value of strings(30_000, 0x1b0a7d3))
      for (let i = 0; i < value.length; i++) {
        if (!isMaskBoundary(value.charCodeAt(i))) continue;
        cuts++;
        const pieces = maskPii(value.slice(0, i)) + maskPii(value.slice(i));
        expect({ value, i, pieces }).toEqual({ value, i, pieces: maskPii(value) });
      }
    expect(cuts).toBeGreaterThan(10_000);
    for (const c of "@.-_%+ ()/0aZ") expect(isMaskBoundary(c.charCodeAt(0))).toBe(false);
    for (const c of ',&=?:;"[]{}') expect(isMaskBoundary(c.charCodeAt(0))).toBe(true);
  });

  it.each([
    "ravi.kumar@acme.example wrote to a@b@c.io and x@y.z",
    "+91 98765 43210, (555) 123-4567, 1.2.3.4.5.6.7.8 and 2026-12-03",
    "/api/calls?ids=f0a1d2e3-0000-4000-8000-000000000000,1234abcd-5678-4000-8000-000000000001",
    "x+919876543210 and -98765432109 and 98765432109-",
  ])("%s", (value) => {
    expect(maskPii(value)).toBe(byPatterns(value));
  });

  it("read a long run without an address or a number once, not once per position", () => {
    // The e-mail pattern backtracks quadratically here: this many characters would take hours.
    const encoded = "%22f0a1d2e3-0000-4000-8000-000000000000%22%2C".repeat(5000);
    expect(maskEmails(encoded)).toBe(encoded);
    expect(maskPhoneNumbers(encoded)).toBe(encoded);
    const digits = `${"1 ".repeat(100_000)}x`;
    expect(maskPhoneNumbers(digits)).toBe("[phone …11] x");
  });
});
