import { describe, expect, it } from "vitest";
import type { AlignedTranscript, AlignedUnit } from "../src/index";
import { alignTranscript, MAX_PAUSE_WITHIN_SEGMENT_SECONDS, normalizeTranscript } from "../src/index";

const unit = (
  sourceSpeakerId: string | null,
  text: string,
  start: number,
  end: number,
  alignmentConfidence: number | null = 1,
): AlignedUnit => ({
  text,
  start,
  end,
  sourceSpeakerId,
  alignmentConfidence,
});
const aligned = (...units: AlignedUnit[]): AlignedTranscript => ({ granularity: "WORD", units });

describe("normalizeTranscript: speaker ids", () => {
  it.each([
    {
      name: "numbered by first appearance, not by source label",
      units: [unit("SPEAKER_01", "hi", 0, 1), unit("SPEAKER_00", "hello", 1, 2), unit("SPEAKER_02", "hey", 2, 3)],
      expected: { SPEAKER_01: "spk_1", SPEAKER_00: "spk_2", SPEAKER_02: "spk_3" },
    },
    {
      name: "a tie on start goes to the earlier end",
      units: [unit("A", "long", 0, 2), unit("B", "short", 0, 1)],
      expected: { B: "spk_1", A: "spk_2" },
    },
    {
      name: "a tie on start and end goes to the source label",
      units: [unit("right", "yes", 0, 1), unit("left", "yes", 0, 1)],
      expected: { left: "spk_1", right: "spk_2" },
    },
  ])("$name", ({ units, expected }) => {
    const { speakers } = normalizeTranscript(aligned(...units));
    expect(Object.fromEntries(speakers.map((speaker) => [speaker.sourceSpeakerId, speaker.speakerId]))).toEqual(
      expected,
    );
    expect(speakers.map((speaker) => speaker.label)).toEqual(speakers.map((_, index) => `Speaker ${index + 1}`));
  });

  it("keeps ids stable whatever order the input arrives in", () => {
    const words = [
      { text: "one", start: 0, end: 1 },
      { text: "two", start: 1, end: 2 },
      { text: "three", start: 2, end: 3 },
    ];
    const turns = [
      { speaker: "Y", start: 0, end: 1 },
      { speaker: "X", start: 1, end: 3 },
    ];
    const forward = normalizeTranscript(alignTranscript({ words, segments: [] }, turns));
    const backward = normalizeTranscript(
      alignTranscript({ words: [...words].reverse(), segments: [] }, [...turns].reverse()),
    );
    expect(backward).toEqual(forward);
    expect(forward.speakers.map((speaker) => speaker.sourceSpeakerId)).toEqual(["Y", "X"]);
  });

  it("gives a transcript without diarization a single speaker", () => {
    const normalized = normalizeTranscript(aligned(unit(null, "just", 0, 1, null), unit(null, "me", 1, 2, null)));
    expect(normalized.speakers).toEqual([{ speakerId: "spk_1", sourceSpeakerId: null, label: "Speaker 1" }]);
    expect(normalized.segments).toEqual([
      {
        id: "seg_0001",
        speakerId: "spk_1",
        sourceSpeakerId: null,
        startSeconds: 0,
        endSeconds: 2,
        text: "just me",
        alignmentConfidence: null,
      },
    ]);
  });
});

describe("normalizeTranscript: segments", () => {
  it("merges consecutive words of one speaker and starts a segment on a speaker change", () => {
    const normalized = normalizeTranscript(
      aligned(
        unit("A", "Hello", 0, 0.4),
        unit("A", "there.", 0.5, 0.9, 0.5),
        unit("B", "Hi!", 1.2, 1.5),
        unit("A", "So", 1.8, 2),
        unit("A", "anyway", 2.1, 2.6),
      ),
    );
    expect(normalized.segments).toEqual([
      {
        id: "seg_0001",
        speakerId: "spk_1",
        sourceSpeakerId: "A",
        startSeconds: 0,
        endSeconds: 0.9,
        text: "Hello there.",
        alignmentConfidence: 0.75,
      },
      {
        id: "seg_0002",
        speakerId: "spk_2",
        sourceSpeakerId: "B",
        startSeconds: 1.2,
        endSeconds: 1.5,
        text: "Hi!",
        alignmentConfidence: 1,
      },
      {
        id: "seg_0003",
        speakerId: "spk_1",
        sourceSpeakerId: "A",
        startSeconds: 1.8,
        endSeconds: 2.6,
        text: "So anyway",
        alignmentConfidence: 1,
      },
    ]);
  });

  it.each([
    { name: "a pause of exactly the limit stays in the segment", gap: MAX_PAUSE_WITHIN_SEGMENT_SECONDS, segments: 1 },
    { name: "a longer pause splits the segment", gap: MAX_PAUSE_WITHIN_SEGMENT_SECONDS + 0.01, segments: 2 },
  ])("$name", ({ gap, segments }) => {
    const normalized = normalizeTranscript(aligned(unit("A", "first", 0, 1), unit("A", "second", 1 + gap, 2 + gap)));
    expect(normalized.segments).toHaveLength(segments);
    expect(normalized.speakers).toHaveLength(1);
  });

  it("measures a pause from the latest end, so a long word is not cut by a short one inside it", () => {
    const normalized = normalizeTranscript(
      aligned(unit("A", "sooo", 0, 5), unit("A", "and", 1, 1.2), unit("A", "then", 6, 6.5)),
    );
    expect(normalized.segments.map((segment) => [segment.text, segment.endSeconds])).toEqual([["sooo and then", 6.5]]);
  });

  it("numbers segments with four digits and keeps counting past them", () => {
    const units = Array.from({ length: 10_001 }, (_, index) =>
      unit(index % 2 === 0 ? "A" : "B", "w", index, index + 0.5),
    );
    const { segments } = normalizeTranscript(aligned(...units));
    expect(segments[0]?.id).toBe("seg_0001");
    expect(segments[9_998]?.id).toBe("seg_9999");
    expect(segments[10_000]?.id).toBe("seg_10001");
  });

  it("cleans stutters and repeated fillers in the merged text", () => {
    const words = ["I", "I", "I", "think", "um", "um", "we", "should,", "uh,", "uh,", "go", "."];
    const normalized = normalizeTranscript(
      aligned(...words.map((word, index) => unit("A", word, index * 0.3, index * 0.3 + 0.2))),
    );
    expect(normalized.segments.map((segment) => segment.text)).toEqual(["I think um we should, uh, go."]);
  });
});
