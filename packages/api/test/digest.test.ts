import { describe, expect, it } from "vitest";
import { type DigestInput, renderDigest } from "../src/index";

const digest: DigestInput = {
  title: "Proposal *follow-up*",
  contactName: "Ravi Kumar",
  direction: "OUTGOING",
  recordedAt: "2026-05-27T10:30:00Z",
  durationSeconds: 245,
  summary: "Ravi will review the proposal.",
  details: "Asha sent the revised proposal; Ravi reviews it by Friday.",
  actionItems: [
    { title: "Send the revised proposal", owner: "Asha", dueDate: "2026-05-29", done: true },
    { title: "Review [draft] terms", owner: null, dueDate: null, done: false },
  ],
  decisions: ["Go with the annual plan"],
  openQuestions: [],
  sentiment: "positive",
  tone: null,
};

describe("share digest", () => {
  it("renders Markdown that messaging apps show, escaping user text", () => {
    const md = renderDigest(digest, "markdown");
    expect(md).toBe(
      [
        "**Proposal \\*follow-up\\***",
        "Ravi Kumar · Outgoing · 2026-05-27 · 4 min",
        "",
        "**Summary**",
        "Ravi will review the proposal.",
        "Asha sent the revised proposal; Ravi reviews it by Friday.",
        "",
        "**Action items**",
        "- [x] Send the revised proposal (Asha, due 2026-05-29)",
        "- [ ] Review \\[draft\\] terms",
        "",
        "**Decisions**",
        "- Go with the annual plan",
        "",
        "Sentiment: positive",
        "",
      ].join("\n"),
    );
  });

  it("renders plain text without markup and leaves empty sections out", () => {
    const text = renderDigest(
      { ...digest, decisions: [], sentiment: null, direction: "UNKNOWN", durationSeconds: 3 * 3600 + 60 },
      "text",
    );
    expect(text).toBe(
      [
        "Proposal *follow-up*",
        "Ravi Kumar · 2026-05-27 · 3 h 1 min",
        "",
        "SUMMARY",
        "Ravi will review the proposal.",
        "Asha sent the revised proposal; Ravi reviews it by Friday.",
        "",
        "ACTION ITEMS",
        "• (done) Send the revised proposal (Asha, due 2026-05-29)",
        "• Review [draft] terms",
        "",
      ].join("\n"),
    );
  });
});
