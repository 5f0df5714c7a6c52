import { describe, expect, it } from "vitest";
import { analysisDocumentSchema, maskContactDetails, reconcileActionItemOwners, withLegacyAliases } from "../src/index";

describe("analysisDocumentSchema", () => {
  it("accepts an empty document and passes unknown keys through at every level", () => {
    expect(analysisDocumentSchema.parse({})).toEqual({});
    const doc = { schemaVersion: 3, futureField: { a: 1 }, actionItems: [{ title: "Send deck", customFlag: true }] };
    expect(analysisDocumentSchema.parse(doc)).toEqual(doc);
  });

  it("rejects values outside the vocabulary", () => {
    expect(analysisDocumentSchema.safeParse({ callType: "Sales" }).success).toBe(false);
    expect(analysisDocumentSchema.safeParse({ actionItems: [{ dueDate: "Friday" }] }).success).toBe(false);
    expect(analysisDocumentSchema.safeParse({ sentiment: { score: 3 } }).success).toBe(false);
    expect(analysisDocumentSchema.safeParse({ executiveSummaryBullets: [{ startTimestamp: "1:5" }] }).success).toBe(
      false,
    );
    expect(
      analysisDocumentSchema.safeParse({ executiveSummaryBullets: [{ startTimestamp: "01:02:03" }] }).success,
    ).toBe(true);
  });
});

describe("withLegacyAliases", () => {
  it("adds shortSummary, detailedSummary and the high-importance section items in order", () => {
    const doc = {
      schemaVersion: 3,
      oneLineSummary: "Sales call about pricing.",
      executiveSummary: "A sales call. Pricing was agreed.",
      sections: [
        {
          id: "a",
          items: [
            { text: "First", importance: "high" },
            { text: "Skip", importance: "medium" },
          ],
        },
        { id: "b", items: [{ text: "Second", importance: "high" }] },
      ],
    };
    expect(withLegacyAliases(doc)).toMatchObject({
      shortSummary: "Sales call about pricing.",
      detailedSummary: "A sales call. Pricing was agreed.",
      keyPoints: ["First", "Second"],
      sections: doc.sections,
    });
  });

  it("adds an alias only when its source field exists", () => {
    const aliased = withLegacyAliases({ schemaVersion: 3, oneLineSummary: "Short." });
    expect(aliased).toEqual({ schemaVersion: 3, oneLineSummary: "Short.", shortSummary: "Short." });
  });

  it("returns older documents unchanged", () => {
    const v2 = { schemaVersion: 2, summary: "Old", keyPoints: ["kept"] };
    expect(withLegacyAliases(v2)).toBe(v2);
  });
});

describe("reconcileActionItemOwners", () => {
  const speakers = [
    { speakerId: "spk_1", label: "Priya Sharma", displayName: "Priya Sharma", role: "USER" as const },
    { speakerId: "spk_2", label: "Speaker 2", displayName: null, role: "UNKNOWN" as const },
    { speakerId: "spk_3", label: "Contact ending 0142", displayName: "Ravi", role: "CONTACT" as const },
  ];

  it("keeps an existing speaker id and fills the rest from that speaker", () => {
    const [item] = reconcileActionItemOwners(
      [{ title: "t", ownerSpeakerId: "spk_3", ownerSpeaker: "wrong", ownerRole: "USER" as const }],
      speakers,
    );
    expect(item).toEqual({
      title: "t",
      ownerSpeaker: "Ravi",
      ownerSpeakerId: "spk_3",
      ownerSpeakerLabel: "Contact ending 0142",
      ownerDisplayName: "Ravi",
      ownerRole: "CONTACT",
    });
  });

  it("falls back to a case-insensitive label or display-name match", () => {
    const items = reconcileActionItemOwners(
      [
        { title: "a", ownerSpeakerId: "spk_9", ownerSpeakerLabel: "speaker 2" },
        { title: "b", ownerSpeaker: "ravi" },
        { title: "c", ownerSpeaker: "PRIYA SHARMA" },
      ],
      speakers,
    );
    expect(items.map((i) => [i.ownerSpeakerId, i.ownerRole])).toEqual([
      ["spk_2", "UNKNOWN"],
      ["spk_3", "CONTACT"],
      ["spk_1", "USER"],
    ]);
  });

  it("nulls every owner field when nothing matches, inventing nobody", () => {
    const [item] = reconcileActionItemOwners(
      [{ title: "x", ownerSpeakerId: "spk_7", ownerSpeaker: "Bob", ownerRole: "USER" as const }],
      speakers,
    );
    expect(item).toEqual({
      title: "x",
      ownerSpeaker: null,
      ownerSpeakerId: null,
      ownerSpeakerLabel: null,
      ownerDisplayName: null,
      ownerRole: null,
    });
  });
});

describe("maskContactDetails", () => {
  it("masks emails and phone numbers but keeps amounts, times and short numbers", () => {
    expect(maskContactDetails("Mail priya.s@acme.co.uk or call +91 98765 43210 / (415) 555-0142.")).toBe(
      "Mail [email] or call [phone] / [phone].",
    );
    expect(maskContactDetails("It is $1,250,000 for 25 seats at 3:30 pm, ending 0142.")).toBe(
      "It is $1,250,000 for 25 seats at 3:30 pm, ending 0142.",
    );
  });
});
