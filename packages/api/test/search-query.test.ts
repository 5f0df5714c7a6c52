import { SNIPPET_END as E, SNIPPET_START as S } from "@scryon/db";
import { describe, expect, it } from "vitest";
import { ApiError } from "../src/index";
import { parseSearchQuery, snippetHtml } from "../src/services/search";

describe("parseSearchQuery (docs/contract.md § Search)", () => {
  it("words, phrases and prefixes become clauses; punctuation only separates words", () => {
    expect(parseSearchQuery('discount "annual plan" disc* "annual pl*" co-op')).toEqual([
      { words: ["discount"], prefix: false },
      { words: ["annual", "plan"], prefix: false },
      { words: ["disc"], prefix: true },
      { words: ["annual", "pl"], prefix: true },
      { words: ["co", "op"], prefix: false },
    ]);
    expect(parseSearchQuery('"annual plan"*')).toEqual([{ words: ["annual", "plan"], prefix: true }]);
    expect(parseSearchQuery('disc"ount (x) -y')).toEqual([
      { words: ["disc"], prefix: false },
      { words: ["ount", "x", "y"], prefix: false },
    ]);
    expect(parseSearchQuery("cats OR dogs AND or")).toEqual([
      { words: ["cats"], prefix: false },
      { words: ["dogs"], prefix: false },
      { words: ["or"], prefix: false },
    ]);
  });

  it("keeps letters and marks of every script whole, NFC-normalised", () => {
    expect(parseSearchQuery("नमस्ते café 東京*")).toEqual([
      { words: ["नमस्ते"], prefix: false },
      { words: ["café"], prefix: false },
      { words: ["東京"], prefix: true },
    ]);
    expect(parseSearchQuery("cafe\u0301")[0]!.words).toEqual(["café"]);
  });

  it("a query without any word is invalid_search_query", () => {
    for (const q of ["", "  ", '"', '""', "*", '"*"', "- ( ) : ^ +", "OR", "AND NOT NEAR"]) {
      let error: unknown;
      try {
        parseSearchQuery(q);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).code).toBe("invalid_search_query");
    }
  });
});

describe("snippetHtml", () => {
  it("escapes everything and turns only the markers into <mark>", () => {
    expect(snippetHtml(`a <b>&"' ${S}disc${E} ${S}x`)).toBe(
      "a &lt;b&gt;&amp;&quot;&#39; <mark>disc</mark> <mark>x</mark>",
    );
    expect(snippetHtml(`${E}plain${E}`)).toBe("plain");
  });
});
