import { describe, expect, it } from "vitest";
import type { BuildTranscriptDocumentInput, TimedWordInput } from "../src/index";
import {
  alignTranscript,
  assembleTranscriptDocument,
  buildTranscriptDocument,
  normalizeTranscript,
  resolveSpeakers,
  TRANSCRIPT_ALGORITHM_VERSIONS,
  transcriptDocumentSchema,
} from "../src/index";

/** Words spoken back to back, 0.3 s each, starting at `start`. */
function spoken(text: string, start: number): TimedWordInput[] {
  return text
    .split(" ")
    .map((word, index) => ({ text: word, start: start + index * 0.3, end: start + index * 0.3 + 0.25 }));
}

const PHONE = "+91 98765 43210";

function callInput(overrides: Partial<BuildTranscriptDocumentInput> = {}): BuildTranscriptDocumentInput {
  return {
    callId: "0b9f6a5e-7c1d-4e0a-9a57-2f1f3c8d9e10",
    language: "en",
    durationSeconds: 14,
    transcription: {
      words: [
        ...spoken("Hello?", 0.2),
        ...spoken("Hi Priya, it is about the the lease.", 1.5),
        ...spoken("Oh yes. Um um call me on 98765 43210 tomorrow.", 5),
        ...spoken("I I will.", 9),
      ],
      segments: [],
    },
    turns: [
      { speaker: "SPEAKER_01", start: 0, end: 1.2 },
      { speaker: "SPEAKER_00", start: 1.4, end: 4.4 },
      { speaker: "SPEAKER_01", start: 4.8, end: 8.4 },
      { speaker: "SPEAKER_00", start: 8.8, end: 10 },
    ],
    context: { userDisplayName: "Priya Sharma", contactName: null, phoneNumber: PHONE, direction: "INCOMING" },
    pipeline: { transcription: { provider: "openai", model: "whisper-1" }, diarization: { source: "PYANNOTE" } },
    createdAt: "2026-05-29T13:00:00.000Z",
    ...overrides,
  };
}

describe("buildTranscriptDocument", () => {
  it("builds a valid v2 document end to end", () => {
    const document = buildTranscriptDocument(callInput());

    expect(transcriptDocumentSchema.parse(document)).toEqual(document);
    expect(document.cleanText).toBe(
      [
        "[00:00 - 00:00] Priya Sharma: Hello?",
        "[00:01 - 00:03] Contact ending 3210: Hi Priya, it is about the lease.",
        "[00:05 - 00:07] Priya Sharma: Oh yes. Um call me on [number ending 3210] tomorrow.",
        "[00:09 - 00:09] Contact ending 3210: I will.",
      ].join("\n"),
    );
    expect(document.speakers).toEqual([
      {
        speakerId: "spk_1",
        sourceSpeakerId: "SPEAKER_01",
        label: "Priya Sharma",
        displayName: "Priya Sharma",
        role: "USER",
        confidence: "MEDIUM",
        labelSource: "BY_ELIMINATION",
        roleSource: "BY_ELIMINATION",
        voiceMatchScore: null,
        voiceProfileMatched: false,
      },
      {
        speakerId: "spk_2",
        sourceSpeakerId: "SPEAKER_00",
        label: "Contact ending 3210",
        displayName: "Contact ending 3210",
        role: "CONTACT",
        confidence: "HIGH",
        labelSource: "PHONE_FALLBACK",
        roleSource: "GREETING_MATCH",
        voiceMatchScore: null,
        voiceProfileMatched: false,
      },
    ]);
    expect(document.segments[1]).toEqual({
      id: "seg_0002",
      speaker: "Contact ending 3210",
      speakerLabel: "Contact ending 3210",
      speakerDisplayName: "Contact ending 3210",
      speakerId: "spk_2",
      sourceSpeakerId: "SPEAKER_00",
      role: "CONTACT",
      startSeconds: 1.5,
      endSeconds: 3.85,
      text: "Hi Priya, it is about the lease.",
      alignmentConfidence: 1,
    });
    expect(document.pipeline).toEqual({
      transcription: { provider: "openai", model: "whisper-1" },
      diarization: { source: "PYANNOTE" },
      transcriptAlgorithms: TRANSCRIPT_ALGORITHM_VERSIONS,
    });
    expect(document).toMatchObject({
      schemaVersion: 2,
      callId: "0b9f6a5e-7c1d-4e0a-9a57-2f1f3c8d9e10",
      language: "en",
      durationSeconds: 14,
    });
  });

  it("never lets the full phone number into the document, only its last four digits", () => {
    const json = JSON.stringify(
      buildTranscriptDocument(callInput({ context: { contactName: PHONE, phoneNumber: PHONE } })),
    );
    const fullNumber = /9\D{0,3}8\D{0,3}7\D{0,3}6\D{0,3}5\D{0,3}4\D{0,3}3\D{0,3}2\D{0,3}1\D{0,3}0/u;
    expect(json).not.toMatch(fullNumber);
    expect(json).toContain("3210");
  });

  it("equals the stages run one by one, so the pipeline can time each", () => {
    const input = callInput();
    const aligned = alignTranscript(input.transcription, input.turns);
    const normalized = normalizeTranscript(aligned);
    const resolved = resolveSpeakers(normalized, input.context);
    expect(assembleTranscriptDocument(input, resolved)).toEqual(buildTranscriptDocument(input));
  });

  it("builds a valid document from segment timing without diarization", () => {
    const document = buildTranscriptDocument(
      callInput({
        transcription: {
          words: [],
          segments: [
            { text: "Hi Ravi, it's me.", start: 0, end: 2 },
            { text: "Call me back.", start: 2.5, end: 4 },
          ],
        },
        turns: [],
        context: { userDisplayName: "Priya", contactName: "Ravi" },
        language: null,
        durationSeconds: null,
      }),
    );
    expect(transcriptDocumentSchema.safeParse(document).success).toBe(true);
    expect(document.cleanText).toBe("[00:00 - 00:04] Priya: Hi Ravi, it's me. Call me back.");
    expect(document.segments[0]).toMatchObject({ sourceSpeakerId: null, alignmentConfidence: null, role: "USER" });
  });

  it("builds a valid document for a call in which nothing was said", () => {
    const document = buildTranscriptDocument(callInput({ transcription: { words: [], segments: [] } }));
    expect(transcriptDocumentSchema.safeParse(document).success).toBe(true);
    expect(document).toMatchObject({ cleanText: "", speakers: [], segments: [] });
  });
});

describe("transcriptDocumentSchema", () => {
  const valid = buildTranscriptDocument(callInput());

  it.each([
    { name: "another schema version", change: { schemaVersion: 3 } },
    { name: "a createdAt that is not a timestamp", change: { createdAt: "yesterday" } },
    { name: "an unknown role", change: { speakers: valid.speakers.map((speaker) => ({ ...speaker, role: "BOSS" })) } },
    {
      name: "a segment of an unknown speaker",
      change: { segments: valid.segments.map((segment) => ({ ...segment, speakerId: "spk_9" })) },
    },
    {
      name: "a segment ending before it starts",
      change: { segments: valid.segments.map((segment) => ({ ...segment, endSeconds: -1 + segment.startSeconds })) },
    },
    {
      name: "an alignment confidence above 1",
      change: { segments: valid.segments.map((segment) => ({ ...segment, alignmentConfidence: 1.5 })) },
    },
    {
      name: "names smuggled into the telemetry",
      change: { speakerResolution: { ...valid.speakerResolution, contactName: "Ravi" } },
    },
    {
      name: "an unknown warning code",
      change: { speakerResolution: { ...valid.speakerResolution, warnings: ["Ravi is the contact"] } },
    },
  ])("rejects $name", ({ change }) => {
    expect(transcriptDocumentSchema.safeParse({ ...valid, ...change }).success).toBe(false);
  });
});
