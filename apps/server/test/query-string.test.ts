import { parse as fastQuerystring } from "fast-querystring";
import { describe, expect, it } from "vitest";
import { parseQueryString } from "../src/query-string";
import { generatedStrings } from "./generated-strings";

/** Pieces a query string is made of, the awkward ones included: bad and partial escapes, non-ASCII, `__proto__`. */
const PIECES = [
  "a",
  "ids",
  "=",
  "=",
  "&",
  "&",
  "+",
  "%",
  "%2",
  "%20",
  "%2B",
  "%3D",
  "%26",
  "%zz",
  "%E0%A4%95",
  "%E0%A4",
  "%F0%9F%98%80",
  "%ED%A0%80",
  "%C0%80",
  "%00",
  "__proto__",
  "constructor",
  "[]",
  ",",
  "x y",
];

describe("query-string parser", () => {
  it("answers what fast-querystring answers, on 50,000 generated query strings", () => {
    for (const query of generatedStrings(PIECES, 50_000, 12, 0x2f6b9c1))
      expect({ query, parsed: { ...parseQueryString(query) } }).toEqual({
        query,
        parsed: { ...fastQuerystring(query) },
      });
  });

  it.each([
    ["ids=a,b&ids=c&limit=5", { ids: ["a,b", "c"], limit: "5" }],
    ["q=ravi+kumar%40acme.example&flag", { q: "ravi kumar@acme.example", flag: "" }],
    ["input=%7B%22ids%22%3A%5B%22a%22%5D%7D", { input: '{"ids":["a"]}' }],
    ["bad=%E0%A4&&=x", { bad: "%E0%A4", "": "x" }],
  ])("%s", (query, expected) => {
    const parsed = parseQueryString(query);
    expect({ ...parsed }).toEqual(expected);
    expect(Object.getPrototypeOf(parsed)).toBeNull();
  });
});
