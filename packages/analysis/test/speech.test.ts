import { describe, expect, it } from "vitest";
import { glossClause, normalizeSpeech } from "../src/offline/speech";

describe("ASR mending", () => {
  it("drops fillers and stutters and puts apostrophes back", () => {
    expect(normalizeSpeech("okay um ill send you the the quote")).toBe("okay i'll send you the quote");
    expect(normalizeSpeech("so like you know i i'll forward it")).toBe("so i'll forward it");
    expect(normalizeSpeech("can you uh can you send it")).toBe("can you send it");
    expect(normalizeSpeech("dont forget to order the cake")).toBe("don't forget to order the cake");
  });

  it("mends mis-heard day and month names, but only where a date is meant", () => {
    expect(normalizeSpeech("by thirsday")).toBe("by thursday");
    expect(normalizeSpeech("on tuesdy")).toBe("on tuesday");
    expect(normalizeSpeech("by fridy")).toBe("by friday");
    expect(normalizeSpeech("by jully tenth")).toBe("by july tenth");
    expect(normalizeSpeech("end of the weak")).toBe("end of the week");
    // Not after a date cue, and real words near a day name stay as said.
    expect(normalizeSpeech("a fridge full")).toBe("a fridge full");
    expect(normalizeSpeech("for the sundae")).toBe("for the sundae");
    expect(normalizeSpeech("I'm ill today")).toBe("I'm ill today");
    // Words compromise knows are never taken for mis-heard dates ("remember" is close to "december").
    expect(normalizeSpeech("before the match")).toBe("before the match");
    expect(normalizeSpeech("the sturdy one, by remember")).toBe("the sturdy one, by remember");
  });

  it("turns a double negative into the commitment it is", () => {
    expect(normalizeSpeech("I won't forget to email the contract")).toBe("i'll email the contract");
  });
});

describe("glossing Hinglish into English", () => {
  it("reads future commitments, requests and joint plans with their time words", () => {
    expect(glossClause("Haan ji, main kal tak quotation bhej dungi.")).toEqual(["i'll send quotation by tomorrow"]);
    expect(glossClause("Aur sample parso courier kar dijiye.")).toEqual([
      "can you courier sample the day after tomorrow",
    ]);
    expect(glossClause("Main aapko somvar ko call karunga, tab final baat karte hain.")).toEqual([
      "i'll call you on monday",
      "let's talk final",
    ]);
    expect(glossClause("Main invoice aaj shaam tak mail kar dungi.")).toEqual(["i'll email invoice by this evening"]);
  });

  it("keeps negation and the past, with 'kal' read by tense", () => {
    expect(glossClause("Aap presentation mat bhejiye")).toEqual(["don't send presentation"]);
    expect(glossClause("Main kal call nahi karunga")).toEqual(["i won't call tomorrow"]);
    expect(glossClause("Report maine kal bhej di thi.")).toEqual(["i already did send Report yesterday"]);
  });

  it("leaves English alone", () => {
    expect(glossClause("I'll send you the invoice by Friday.")).toBeNull();
    expect(glossClause("Could you do the review?")).toBeNull();
    // Names that look like a Hindi verb form ("Lana", "Milo") in an English clause.
    expect(glossClause("Can you call Lana tomorrow?")).toBeNull();
    expect(glossClause("I'll send Milo the deck")).toBeNull();
  });
});
