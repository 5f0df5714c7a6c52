import { describe, expect, it } from "vitest";
import type { TimedSegmentInput, TimedWordInput } from "../src/index";
import { alignTranscript, normalizeTranscript, restorePunctuation } from "../src/index";

/** Words 0.5 s apart from `start`, as a provider's word list gives them. */
function spoken(text: string, start = 0): TimedWordInput[] {
  return text
    .split(" ")
    .filter((token) => token !== "")
    .map((token, index) => ({ text: token, start: start + index * 0.5, end: start + index * 0.5 + 0.4 }));
}

const segment = (text: string, start: number, end: number): TimedSegmentInput => ({ text, start, end });

function restoredText(words: TimedWordInput[], segments: TimedSegmentInput[]): string {
  return restorePunctuation(words, segments)
    .map((word) => word.text)
    .join(" ");
}

describe("restorePunctuation", () => {
  it.each([
    {
      name: "sentence ends and commas come back, across segments",
      words: "I will escalate this to engineering today Thank you",
      segments: [segment(" I will escalate this to engineering today.", 0, 3.4), segment(" Thank you.", 3.5, 4.5)],
      expected: "I will escalate this to engineering today. Thank you.",
    },
    {
      name: "casing comes from the segment text",
      words: "hi alice this is mr okafor",
      segments: [segment("Hi Alice, this is Mr. Okafor.", 0, 3)],
      expected: "Hi Alice, this is Mr. Okafor.",
    },
    {
      name: "contractions match with or without their apostrophe",
      words: "Im sure you'll like it dont worry",
      segments: [segment("I'm sure you'll like it, don't worry!", 0, 4)],
      expected: "I'm sure you'll like it, don't worry!",
    },
    {
      name: "numbers keep the written form: currency, thousands, e-mail addresses",
      words: "bring it down to 12000 and email daniel@example.com",
      segments: [segment("Bring it down to $12,000, and email daniel@example.com.", 0, 4)],
      expected: "Bring it down to $12,000, and email daniel@example.com.",
    },
    {
      name: "a number spoken in words but written in digits stays as said; the rest re-synchronises",
      words: "restarted fourteen times this week",
      segments: [segment("restarted 14 times this week.", 0, 3)],
      expected: "restarted fourteen times this week.",
    },
    {
      name: "a word missing from the segment text keeps its own form",
      words: "so um we agreed",
      segments: [segment("So, we agreed.", 0, 2)],
      expected: "So, um we agreed.",
    },
    {
      name: "extra segment tokens the words lack are skipped",
      words: "thanks bye",
      segments: [segment("Thanks, you know, bye.", 0, 2)],
      expected: "Thanks, bye.",
    },
    {
      name: "a word split into parts: the first takes leading, the last trailing punctuation",
      words: "the follow up is done",
      segments: [segment("The (follow-up) is done.", 0, 3)],
      expected: "The (follow up) is done.",
    },
    {
      name: "a word written as two tokens takes the punctuation around both",
      words: "call at 3pm",
      segments: [segment("Call at 3 pm.", 0, 2)],
      expected: "Call at 3pm.",
    },
    {
      name: "bare punctuation closes the token before it",
      words: "wait I mean yes",
      segments: [segment("Wait — I mean, yes...", 0, 3)],
      expected: "Wait— I mean, yes...",
    },
    {
      name: "accents do not stop a match",
      words: "merci Jose",
      segments: [segment("Merci, José.", 0, 1)],
      expected: "Merci, José.",
    },
  ])("$name", ({ words, segments, expected }) => {
    expect(restoredText(spoken(words), segments)).toBe(expected);
  });

  it("leaves the words untouched when there is no segment text", () => {
    const words = spoken("hello there");
    expect(restorePunctuation(words, [])).toEqual(words);
    expect(restorePunctuation(words, [segment("", 0, 1), segment("   ", 1, 2)])).toEqual(words);
  });

  it("skips empty segments between real ones", () => {
    const segments = [segment("Hello.", 0, 0.5), segment("", 0.5, 1), segment("Bye!", 1, 1.5)];
    expect(restoredText([...spoken("hello"), ...spoken("bye", 1)], segments)).toBe("Hello. Bye!");
  });

  it("keeps words that carry no letters or digits as they are", () => {
    const words = [{ text: "...", start: 0, end: 0.1 }, ...spoken("okay", 0.2)];
    expect(restoredText(words, [segment("Okay.", 0, 1)])).toBe("... Okay.");
  });

  it("does not jump far ahead to a common word after a long mismatch", () => {
    // "the" occurs only after nine unmatched tokens: too far to be the same place.
    const segments = [segment("one two three four five six seven eight nine the end.", 0, 10)];
    expect(restoredText(spoken("the end"), segments)).toBe("the end");
  });

  it("catches up with the segment the word's time falls in after a stretch of unmatched text", () => {
    // The first segment's text has nothing in common with what the words say.
    const segments = [
      segment("Completely different words here that never match anything at all.", 0, 2),
      segment("Back on track.", 5, 6.5),
    ];
    expect(restoredText([...spoken("hmm"), ...spoken("back on track", 5)], segments)).toBe("hmm Back on track.");
  });

  it("returns words in their input order with timings untouched", () => {
    const words = [
      { text: "world", start: 1, end: 1.4 },
      { text: "hello", start: 0, end: 0.4 },
    ];
    expect(restorePunctuation(words, [segment("Hello, world!", 0, 1.4)])).toEqual([
      { text: "world!", start: 1, end: 1.4 },
      { text: "Hello,", start: 0, end: 0.4 },
    ]);
  });

  it("keeps the other properties a provider put on a word", () => {
    const words = [{ text: "hi", start: 0, end: 0.3, speaker: "A", confidence: 0.9 }];
    expect(restorePunctuation(words, [segment("Hi!", 0, 0.3)])).toEqual([
      { text: "Hi!", start: 0, end: 0.3, speaker: "A", confidence: 0.9 },
    ]);
  });

  it("gives the normalised transcript its sentence boundaries through alignment", () => {
    const words = [...spoken("I will escalate this to engineering today"), ...spoken("Thank you", 3.5)];
    const segments = [segment("I will escalate this to engineering today.", 0, 3.4), segment("Thank you.", 3.5, 4.5)];
    const aligned = alignTranscript({ words, segments }, [{ speaker: "A", start: 0, end: 5 }]);
    expect(normalizeTranscript(aligned).segments.map((s) => s.text)).toEqual([
      "I will escalate this to engineering today. Thank you.",
    ]);
  });

  it("restores a long call in step, word for word", () => {
    const sentence = "we will ship the order today and call you tomorrow";
    const words: TimedWordInput[] = [];
    const segments: TimedSegmentInput[] = [];
    for (let index = 0; index < 10_000; index += 1) {
      const start = index * 6;
      words.push(...spoken(sentence, start));
      segments.push(segment(`We will ship the order today, and call you tomorrow.`, start, start + 5));
    }
    const restored = restorePunctuation(words, segments);
    expect(restored).toHaveLength(100_000);
    const expected = "We will ship the order today, and call you tomorrow.";
    expect(restored.map((word) => word.text).join(" ")).toBe(Array.from({ length: 10_000 }, () => expected).join(" "));
  });
});
