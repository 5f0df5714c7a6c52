import { describe, expect, it } from "vitest";
import { jsonTextProblem } from "../src/plugins/json-body";
import { generatedStrings } from "./generated-strings";

/** The guards as first written, one character at a time and a regular expression: what the fast path must equal. */
function referenceProblem(text: string): string | null {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{" || c === "[") max = Math.max(max, ++depth);
    else if (c === "}" || c === "]") depth--;
  }
  if (max > 32) return "JSON nests deeper than 32 levels";
  if (text.includes("\0") || /\\u0000/i.test(text)) return "Strings must not contain NUL characters";
  return null;
}

/** JSON's awkward pieces: brackets in and out of strings, escapes (the escaped NUL among them), runs of nesting. */
const PIECES = [
  "{",
  "[",
  "}",
  "]",
  '"',
  '"',
  "\\",
  '\\"',
  "\\u",
  "\\U",
  "0000",
  "0",
  "u0000",
  "\0",
  '{"ids":',
  '"a[{b"',
  "[[[[[[[[",
  "{{{{{{{{",
  "]]]]]]]]",
  ",",
  "x",
];

describe("the JSON text guards", () => {
  it("answer exactly as a full scan does, on 50,000 generated texts with deep nesting, brackets in strings and escapes", () => {
    let refused = 0;
    for (const text of generatedStrings(PIECES, 50_000, 40, 0x9e3779b9)) {
      const expected = referenceProblem(text);
      if (expected) refused++;
      expect(jsonTextProblem(text)?.message ?? null, JSON.stringify(text)).toBe(expected);
    }
    // Both answers occur often enough for the comparison to mean something.
    expect(refused).toBeGreaterThan(5_000);
    expect(refused).toBeLessThan(45_000);
  });

  it("refuses 33 levels and accepts 32, however many brackets sit in strings", () => {
    expect(jsonTextProblem(`${"[".repeat(33)}${"]".repeat(33)}`)?.message).toBe("JSON nests deeper than 32 levels");
    expect(jsonTextProblem(`${"[".repeat(32)}${"]".repeat(32)}`)).toBeNull();
    expect(jsonTextProblem(JSON.stringify({ note: "[".repeat(1000) }))).toBeNull();
  });
});
