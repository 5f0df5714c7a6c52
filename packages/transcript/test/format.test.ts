import { describe, expect, it } from "vitest";
import { formatCleanText } from "../src/index";

const line = (startSeconds: number, endSeconds: number, speakerLabel: string, text: string) => ({
  startSeconds,
  endSeconds,
  speakerLabel,
  text,
});

describe("formatCleanText", () => {
  it.each([
    { name: "nothing to format", segments: [], expected: "" },
    {
      name: "minutes and seconds, rounded down",
      segments: [line(0, 4.999, "Ravi Kumar", "Hello?"), line(65.5, 70.2, "Speaker 2", "Hi.")],
      expected: "[00:00 - 00:04] Ravi Kumar: Hello?\n[01:05 - 01:10] Speaker 2: Hi.",
    },
    {
      name: "just under an hour stays MM:SS",
      segments: [line(3540, 3599.9, "You", "Bye.")],
      expected: "[59:00 - 59:59] You: Bye.",
    },
    {
      name: "from an hour on, every line switches to HH:MM:SS",
      segments: [line(5, 9, "You", "Start."), line(3595, 3601, "Contact", "Still here.")],
      expected: "[00:00:05 - 00:00:09] You: Start.\n[00:59:55 - 01:00:01] Contact: Still here.",
    },
  ])("$name", ({ segments, expected }) => {
    expect(formatCleanText(segments)).toBe(expected);
  });
});
