import { describe, expect, it } from "vitest";
import type { SpeakerTurnInput, TimedWordInput } from "../src/index";
import { alignTranscript, TranscriptError } from "../src/index";

const word = (text: string, start: number, end: number): TimedWordInput => ({ text, start, end });
const turn = (speaker: string, start: number, end: number): SpeakerTurnInput => ({ speaker, start, end });

describe("alignTranscript", () => {
  it.each([
    {
      name: "a word inside one turn goes to it, fully covered",
      words: [word("hello", 1, 1.5)],
      turns: [turn("A", 0, 2), turn("B", 2, 4)],
      expected: [{ speaker: "A", confidence: 1 }],
    },
    {
      name: "a word straddling two turns goes to the larger overlap",
      words: [word("there", 1.8, 2.6)],
      turns: [turn("A", 0, 2), turn("B", 2, 4)],
      expected: [{ speaker: "B", confidence: 0.75 }],
    },
    {
      name: "an exact tie goes to the earlier turn",
      words: [word("so", 1.5, 2.5)],
      turns: [turn("B", 2, 4), turn("A", 0, 2)],
      expected: [{ speaker: "A", confidence: 0.5 }],
    },
    {
      name: "a tie between turns starting together goes by end, then label",
      words: [word("yes", 0, 1)],
      turns: [turn("Z", 0, 3), turn("Y", 0, 2), turn("X", 0, 2)],
      expected: [{ speaker: "X", confidence: 1 }],
    },
    {
      name: "overlapping turns: the longer overlap wins even when it started first",
      words: [word("okay", 3, 4)],
      turns: [turn("A", 0, 10), turn("B", 3.8, 5)],
      expected: [{ speaker: "A", confidence: 1 }],
    },
    {
      name: "a word in a gap goes to the nearest turn, with zero confidence",
      words: [word("um", 2.1, 2.3), word("so", 2.6, 2.8), word("right", 4.1, 4.4)],
      turns: [turn("A", 0, 2), turn("B", 3, 4), turn("C", 6, 7)],
      expected: [
        { speaker: "A", confidence: 0 },
        { speaker: "B", confidence: 0 },
        { speaker: "B", confidence: 0 },
      ],
    },
    {
      name: "words before the first turn and after the last go to the nearest",
      words: [word("hi", 0, 0.4), word("bye", 9, 9.5)],
      turns: [turn("A", 1, 3), turn("B", 3, 6)],
      expected: [
        { speaker: "A", confidence: 0 },
        { speaker: "B", confidence: 0 },
      ],
    },
    {
      name: "an instantaneous word belongs to the turn containing it",
      words: [word("a", 2, 2)],
      turns: [turn("A", 0, 2), turn("B", 2, 4)],
      expected: [{ speaker: "B", confidence: 1 }],
    },
    {
      name: "unsorted words and turns are aligned in time order",
      words: [word("world", 3, 3.5), word("hello", 0.5, 1)],
      turns: [turn("B", 2, 4), turn("A", 0, 2)],
      expected: [
        { speaker: "A", confidence: 1, text: "hello" },
        { speaker: "B", confidence: 1, text: "world" },
      ],
    },
  ])("$name", ({ words, turns, expected }) => {
    const aligned = alignTranscript({ words, segments: [] }, turns);
    expect(aligned.granularity).toBe("WORD");
    expect(
      aligned.units.map((unit) => ({
        speaker: unit.sourceSpeakerId,
        confidence: unit.alignmentConfidence,
        ...("text" in (expected[0] ?? {}) ? { text: unit.text } : {}),
      })),
    ).toEqual(expected);
  });

  it("falls back to provider segments when there is no word timing", () => {
    const aligned = alignTranscript(
      {
        words: [],
        segments: [
          { text: " Hello there. ", start: 0, end: 2 },
          { text: "Hi!", start: 2.2, end: 3 },
        ],
      },
      [turn("A", 0, 2.1), turn("B", 2.1, 3)],
    );
    expect(aligned.granularity).toBe("SEGMENT");
    expect(aligned.units).toEqual([
      { text: "Hello there.", start: 0, end: 2, sourceSpeakerId: "A", alignmentConfidence: 1 },
      { text: "Hi!", start: 2.2, end: 3, sourceSpeakerId: "B", alignmentConfidence: 1 },
    ]);
  });

  it("prefers word timing when both are present, with the segments' punctuation and casing", () => {
    const aligned = alignTranscript(
      { words: [word("hi", 0, 0.5), word("there", 0.5, 1)], segments: [{ text: "Hi there.", start: 0, end: 1 }] },
      [turn("A", 0, 1)],
    );
    expect(aligned.granularity).toBe("WORD");
    expect(aligned.units.map((unit) => unit.text)).toEqual(["Hi", "there."]);
  });

  it("gives everything to one speaker, without a confidence, when there are no turns", () => {
    const aligned = alignTranscript({ words: [word("one", 0, 1), word("two", 5, 6)], segments: [] }, []);
    expect(aligned.units.map((unit) => [unit.sourceSpeakerId, unit.alignmentConfidence])).toEqual([
      [null, null],
      [null, null],
    ]);
  });

  it("ignores turns without duration and words without text", () => {
    const aligned = alignTranscript({ words: [word("  ", 0, 1), word("real", 1, 2)], segments: [] }, [
      turn("GHOST", 1.5, 1.5),
      turn("A", 0, 1),
      turn("B", 3, 4),
    ]);
    expect(aligned.units).toEqual([{ text: "real", start: 1, end: 2, sourceSpeakerId: "A", alignmentConfidence: 0 }]);
  });

  it("reports an empty transcription as EMPTY", () => {
    expect(alignTranscript({ words: [], segments: [] }, [turn("A", 0, 1)])).toEqual({
      granularity: "EMPTY",
      units: [],
    });
  });

  it("refuses non-finite times with a stable code", () => {
    const attempt = () => alignTranscript({ words: [word("x", Number.NaN, 1)], segments: [] }, []);
    expect(attempt).toThrow(TranscriptError);
    expect(attempt).toThrow(expect.objectContaining({ code: "transcript_invalid_timing" }));
  });

  it("aligns 100k words against 50k turns, every word to its best turn", () => {
    // Speed is a benchmark's business; this checks the sweep stays right at scale.
    const words: TimedWordInput[] = [];
    const turns: SpeakerTurnInput[] = [];
    for (let index = 0; index < 100_000; index += 1) words.push(word(`w${index}`, index * 0.3, index * 0.3 + 0.25));
    // Turns of 0.65 s every 0.6 s alternating between two speakers, each overlapping the next by 0.05 s.
    for (let index = 0; index < 50_000; index += 1) {
      turns.push(turn(index % 2 === 0 ? "A" : "B", index * 0.6, index * 0.6 + 0.65));
    }
    const aligned = alignTranscript({ words: [...words].reverse(), segments: [] }, [...turns].reverse());

    expect(aligned.units).toHaveLength(100_000);
    // Word 7 spans 2.1–2.35: inside turn 3 (1.8–2.45, speaker B).
    expect(aligned.units[7]).toMatchObject({ text: "w7", sourceSpeakerId: "B", alignmentConfidence: 1 });
    // Word 8 spans 2.4–2.65: 0.05 s in turn 3, 0.25 s in turn 4 (speaker A).
    expect(aligned.units[8]).toMatchObject({ text: "w8", sourceSpeakerId: "A", alignmentConfidence: 1 });
    // Independent oracle: only the turns around a word's time can overlap it, so
    // checking those by brute force gives every word's expected speaker.
    const mismatches: string[] = [];
    aligned.units.forEach((unit, index) => {
      const candidate = Math.floor((index * 0.3) / 0.6);
      let best: SpeakerTurnInput | null = null;
      let bestOverlap = 0;
      for (const nearby of turns.slice(Math.max(0, candidate - 1), candidate + 2)) {
        const overlap = Math.min(unit.end, nearby.end) - Math.max(unit.start, nearby.start);
        if (overlap > bestOverlap + 1e-9) [best, bestOverlap] = [nearby, overlap];
      }
      if (unit.text !== `w${index}` || unit.sourceSpeakerId !== best?.speaker) mismatches.push(unit.text);
    });
    expect(mismatches).toEqual([]);
  });
});
