import { describe, expect, it } from "vitest";
import {
  applySpeakerCorrections,
  buildTranscriptDocument,
  isAcceptableSpeakerName,
  planSpeakerCorrection,
  type SpeakerContext,
  type SpeakerTurnInput,
  type TimedWordInput,
  type TranscriptDocument,
  transcriptDocumentSchema,
} from "../src/index";

/** docs/contract.md § Speaker corrections. */

function spoken(text: string, start: number): TimedWordInput[] {
  return text.split(" ").map((word, i) => ({ text: word, start: start + i * 0.3, end: start + i * 0.3 + 0.25 }));
}

/** One line per speaker label, two seconds apart; the turns follow the lines. */
function documentOf(lines: Array<[string, string]>, context: SpeakerContext): TranscriptDocument {
  const words = lines.flatMap(([, text], i) => spoken(text, i * 4));
  const turns: SpeakerTurnInput[] = lines.map(([speaker], i) => ({ speaker, start: i * 4, end: i * 4 + 3.5 }));
  return buildTranscriptDocument({
    callId: "0b9f6a5e-7c1d-4e0a-9a57-2f1f3c8d9e10",
    language: "en",
    durationSeconds: lines.length * 4,
    transcription: { words, segments: [] },
    turns,
    context,
    pipeline: {},
    createdAt: "2026-05-29T13:00:00.000Z",
  });
}

const CONTEXT = { userDisplayName: "Priya Sharma", contactName: "Ravi Kumar", phoneNumber: "+91 98765 43210" };
const twoParty = () =>
  documentOf(
    [
      ["A", "Hello, Ravi speaking."],
      ["B", "Hi Ravi, this is Priya."],
      ["A", "Sure, send it over."],
    ],
    CONTEXT,
  );
const speaker = (document: TranscriptDocument, id: string) => document.speakers.find((s) => s.speakerId === id)!;

describe("speaker corrections", () => {
  it("a rename relabels the speaker, its segments and the clean text, and stays a valid document", () => {
    const document = twoParty();
    expect(speaker(document, "spk_1")).toMatchObject({ role: "CONTACT", displayName: "Ravi Kumar" });

    const plan = planSpeakerCorrection(document.speakers, "spk_1", { displayName: "  Ravi   K. " }, CONTEXT);
    expect(plan).toEqual([{ speakerId: "spk_1", displayName: "Ravi K.", role: "CONTACT" }]);
    const corrected = applySpeakerCorrections(document, plan);

    expect(transcriptDocumentSchema.parse(corrected)).toEqual(corrected);
    expect(speaker(corrected, "spk_1")).toMatchObject({
      label: "Ravi K.",
      displayName: "Ravi K.",
      role: "CONTACT",
      confidence: "HIGH",
      labelSource: "USER_CORRECTION",
      roleSource: "USER_CORRECTION",
    });
    expect(speaker(corrected, "spk_2")).toEqual(speaker(document, "spk_2"));
    const lines = corrected.cleanText.split("\n");
    expect(lines[0]).toMatch(/\] Ravi K\.: Hello, Ravi speaking\.$/);
    expect(lines[1]).toMatch(/\] Priya Sharma: /);
    for (const segment of corrected.segments.filter((s) => s.speakerId === "spk_1"))
      expect(segment).toMatchObject({ speaker: "Ravi K.", speakerLabel: "Ravi K.", speakerDisplayName: "Ravi K." });
    // The input document is not changed.
    expect(speaker(document, "spk_1").displayName).toBe("Ravi Kumar");
  });

  it("moving a role in a two-speaker call swaps the other speaker, the names following the roles", () => {
    const document = twoParty();
    const plan = planSpeakerCorrection(document.speakers, "spk_1", { role: "USER" }, CONTEXT);
    expect(plan).toEqual([
      { speakerId: "spk_1", displayName: "Priya Sharma", role: "USER" },
      { speakerId: "spk_2", displayName: "Ravi Kumar", role: "CONTACT" },
    ]);
    // A name given with the role wins; the other still takes the moved speaker's old name.
    expect(planSpeakerCorrection(document.speakers, "spk_1", { role: "USER", displayName: "Me" }, CONTEXT)).toEqual([
      { speakerId: "spk_1", displayName: "Me", role: "USER" },
      { speakerId: "spk_2", displayName: "Ravi Kumar", role: "CONTACT" },
    ]);
  });

  it("in a two-speaker call without roles, the other speaker takes the remaining role by elimination", () => {
    const document = documentOf(
      [
        ["A", "Good afternoon."],
        ["B", "Good afternoon to you."],
      ],
      { phoneNumber: "+91 98765 43210" },
    );
    expect(document.speakers.map((s) => s.role)).toEqual(["UNKNOWN", "UNKNOWN"]);
    const plan = planSpeakerCorrection(
      document.speakers,
      "spk_2",
      { role: "USER" },
      { phoneNumber: "+91 98765 43210" },
    );
    expect(plan).toEqual([
      { speakerId: "spk_2", displayName: null, role: "USER" },
      { speakerId: "spk_1", displayName: "Contact ending 3210", role: "CONTACT" },
    ]);
    const corrected = applySpeakerCorrections(document, plan);
    expect(speaker(corrected, "spk_2")).toMatchObject({ label: "You", displayName: null, role: "USER" });
    expect(speaker(corrected, "spk_1")).toMatchObject({ label: "Contact ending 3210", role: "CONTACT" });
  });

  it("with three or more speakers, the previous holder of the role becomes UNKNOWN and nobody else moves", () => {
    const document = documentOf(
      [
        ["A", "Hello, Ravi speaking."],
        ["B", "Hi Ravi, this is Priya."],
        ["C", "And I am here too."],
      ],
      CONTEXT,
    );
    // The greeting made spk_2 the USER; the others stay UNKNOWN in a multi-party call.
    expect(document.speakers.map((s) => s.role)).toEqual(["UNKNOWN", "USER", "UNKNOWN"]);
    const plan = planSpeakerCorrection(document.speakers, "spk_3", { role: "USER" }, CONTEXT);
    expect(plan).toEqual([
      { speakerId: "spk_3", displayName: "Priya Sharma", role: "USER" },
      { speakerId: "spk_2", displayName: null, role: "UNKNOWN" },
    ]);
    const corrected = applySpeakerCorrections(document, plan);
    expect(corrected.speakers.map((s) => [s.role, s.label])).toEqual([
      ["UNKNOWN", "Speaker 1"],
      ["UNKNOWN", "Speaker 2"],
      ["USER", "Priya Sharma"],
    ]);
  });

  it("an UNKNOWN role keeps no rule as its source and labels the speaker by number when it has no name", () => {
    const document = twoParty();
    const plan = planSpeakerCorrection(document.speakers, "spk_1", { role: "UNKNOWN", displayName: null }, CONTEXT);
    expect(plan).toEqual([{ speakerId: "spk_1", displayName: null, role: "UNKNOWN" }]);
    expect(speaker(applySpeakerCorrections(document, plan), "spk_1")).toMatchObject({
      label: "Speaker 1",
      displayName: null,
      role: "UNKNOWN",
      roleSource: null,
      labelSource: "USER_CORRECTION",
    });
  });

  it("ignores corrections of speakers the document does not have, and refuses to plan one", () => {
    const document = twoParty();
    expect(applySpeakerCorrections(document, [{ speakerId: "spk_9", displayName: "X", role: "USER" }])).toBe(document);
    expect(() => planSpeakerCorrection(document.speakers, "spk_9", { displayName: "X" }, CONTEXT)).toThrow();
  });

  it("accepts names, not phone numbers or e-mail addresses", () => {
    expect(isAcceptableSpeakerName("Ravi Kumar")).toBe(true);
    expect(isAcceptableSpeakerName("Contact ending 3210")).toBe(true);
    expect(isAcceptableSpeakerName("+91 98765 43210")).toBe(false);
    expect(isAcceptableSpeakerName("ravi@acme.com")).toBe(false);
  });
});
