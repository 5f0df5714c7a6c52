import { describe, expect, it } from "vitest";
import { cleanSpokenText, matchTokens } from "../src/text";

describe("cleanSpokenText", () => {
  it.each([
    ["I I I think so", "I think so"],
    ["I- I think", "I think"],
    ["I, I, I mean", "I mean"],
    ["I... I don't know", "I don't know"],
    ["the the report", "the report"],
    ["I-I-I can't", "I can't"],
    ["b-but why", "but why"],
    ["um um let me see", "um let me see"],
    ["uh, uh, so", "uh, so"],
    ["Uh um, er, right", "Uh, right"],
    ["we we we we should", "we should"],
    ["the the the", "the"],
    ["what what what", "what"],
    // Meaningful repetition stays.
    ["I know that that is true", "I know that that is true"],
    ["he had had enough", "he had had enough"],
    ["bye bye", "bye bye"],
    ["no no no", "no no no"],
    ["kabhi kabhi", "kabhi kabhi"],
    ["ha ha ha", "ha ha ha"],
    ["re-read it", "re-read it"],
    ["so-so", "so-so"],
    // Numbers are data.
    ["call 9 9 9 now", "call 9 9 9 now"],
    ["nine nine eight", "nine nine eight"],
    ["room 12-12", "room 12-12"],
    // A sentence end is not a stutter.
    ["It is. It is.", "It is. It is."],
    ["Go. Go.", "Go. Go."],
    ["Who did it? I. I did.", "Who did it? I. I did."],
    // Spacing and punctuation.
    ["  hello ,  world  !", "hello, world!"],
    ["wait , , what", "wait, what"],
    ["", ""],
  ])("%j → %j", (input, expected) => {
    expect(cleanSpokenText(input)).toBe(expected);
  });
});

describe("matchTokens", () => {
  it.each([
    ["program", ["program"]],
    ["Ravi's car", ["ravi", "s", "car"]],
    ["José Álvarez", ["jose", "alvarez"]],
    ["hi-ram", ["hi", "ram"]],
    ["नमस्ते राम", ["नमस्ते", "राम"]],
  ])("%j", (text, keys) => {
    expect(matchTokens(text).map((token) => token.key)).toEqual(keys);
  });

  it("records capitalisation", () => {
    expect(matchTokens("I will call Will").map((token) => token.capitalized)).toEqual([true, false, false, true]);
  });
});
