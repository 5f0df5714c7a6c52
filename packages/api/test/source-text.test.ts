import { describe, expect, it } from "vitest";
import { parseSourceText } from "../src/serialize";

describe("an action item's sourceText as served", () => {
  it("is the object the pipeline stores as JSON text", () => {
    const stored = JSON.stringify({ priority: "high", segmentIds: ["seg_0002"], excerpt: "I'll send the deck." });
    expect(parseSourceText(stored, ["seg_0002"])).toEqual({
      priority: "high",
      segmentIds: ["seg_0002"],
      excerpt: "I'll send the deck.",
    });
    expect(parseSourceText(JSON.stringify({ priority: null, segmentIds: [], excerpt: null }), [])).toEqual({
      priority: null,
      segmentIds: [],
      excerpt: null,
    });
  });

  it("is null for a manual item", () => {
    expect(parseSourceText(null, [])).toBeNull();
  });

  it("keeps older free-text rows readable: the text becomes the excerpt, the row's segments its ids", () => {
    expect(parseSourceText("priority high; seg_0003", ["seg_0003"])).toEqual({
      priority: null,
      segmentIds: ["seg_0003"],
      excerpt: "priority high; seg_0003",
    });
    // JSON that is not the stored shape is free text too.
    expect(parseSourceText('"just a string"', [])).toEqual({
      priority: null,
      segmentIds: [],
      excerpt: '"just a string"',
    });
  });
});
