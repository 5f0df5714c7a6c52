import nlp from "compromise";
import { maskContactDetails } from "../privacy";
import type { AnalysisDocument } from "../schema";
import type { CallContext } from "./context";
import { resolveDates } from "./dates";
import { neutralize, type Sentence, stripFillers, tokenize } from "./text";

/** Facts that are pattern-matched from single sentences: questions, decisions, risks, figures, names, dates. */

type Doc = Required<AnalysisDocument>;

const SMALL_TALK_QUESTION =
  /^(?:how are you|how's it going|how are things|how was your|can you hear me|are you there|is that right|you know)\b/i;
const UNCERTAIN_REPLY =
  /\b(?:i don't know|i do not know|not sure|no idea|i'll (?:check|find out|get back)|let me (?:check|find out|get back)|good question|i'd have to check|i need to check|can't say|hard to say|can't promise|cannot promise|don't have an answer|no answer yet|not yet known|has to review|have to review)\b/i;
const DECISION =
  /\b(?:decided|we'll go with|let's go with|go ahead with|agreed to|we agree|it's agreed|settled on|approved|we're going with|i'll take the|that's a deal|it's a deal|final decision)\b/i;
const RISK =
  /\b(?:concern(?:ed|s)?|worried|worry|risk(?:y|s)?|problem|issues?|delay(?:ed|s)?|blockers?|blocked|tight|too expensive|can't afford|cancel(?:led|ling)?|frustrat\w*|broken|not working|doesn't work|complain\w*|behind schedule|churn|unhappy|disappointed|overdue|late|outages?|dropping|drops|went down|was down|too high|a little high|expensive)\b/i;
const OPPORTUNITY =
  /\b(?:interested in|upgrade|expand(?:ing)?|more seats|more licen[cs]es|upsell|referr?al|refer|another team|opportunit(?:y|ies)|would love to|keen to|partnership|add-on|bigger plan|renew(?:al)?)\b/i;

function isQuestion(sentence: Sentence): boolean {
  return /\?\s*$/.test(sentence.text);
}

export function openQuestions(ctx: CallContext, used: ReadonlySet<number>) {
  const result: Array<{ text: string; askedBy: string; sourceSegmentIds: string[]; ordinal: number }> = [];
  for (const sentence of ctx.sentences) {
    if (used.has(sentence.ordinal) || !isQuestion(sentence) || sentence.words.length < 4) continue;
    const text = stripFillers(sentence.text);
    if (SMALL_TALK_QUESTION.test(text)) continue;
    const index = ctx.segmentIndex(sentence.segment.id);
    const reply = ctx.input.segments
      .slice(index + 1, index + 3)
      .find((s) => s.speakerId !== sentence.segment.speakerId);
    if (reply && !UNCERTAIN_REPLY.test(reply.text)) continue;
    result.push({
      text,
      askedBy: ctx.nameOf(sentence.segment.speakerId),
      sourceSegmentIds: [sentence.segment.id],
      ordinal: sentence.ordinal,
    });
  }
  return result;
}

function matching(ctx: CallContext, pattern: RegExp, used: ReadonlySet<number>, skipQuestions: boolean) {
  return ctx.sentences
    .filter(
      (s) => !used.has(s.ordinal) && pattern.test(s.text) && !(skipQuestions && isQuestion(s)) && s.words.length >= 3,
    )
    .map((s) => ({
      text: neutralize(s.text, ctx.partiesFor(s.segment.speakerId)),
      sourceSegmentIds: [s.segment.id],
      ordinal: s.ordinal,
    }));
}

export function decisions(ctx: CallContext, used: ReadonlySet<number>) {
  return matching(ctx, DECISION, used, true);
}

export function risks(ctx: CallContext, used: ReadonlySet<number>) {
  return matching(ctx, RISK, used, true);
}

export function opportunities(ctx: CallContext, used: ReadonlySet<number>) {
  return matching(ctx, OPPORTUNITY, used, false);
}

export function numbersAndAmounts(ctx: CallContext): Doc["numbersAndAmounts"] {
  const result: Doc["numbersAndAmounts"] = [];
  const seen = new Set<string>();
  for (const sentence of ctx.sentences) {
    // Phone numbers and emails are masked first so their digits never read as amounts.
    const text = maskContactDetails(sentence.text);
    const dateWords = new Set(resolveDates(text, ctx.reference).flatMap((d) => tokenize(d.text)));
    const doc = nlp(text);
    const found = doc.numbers().json() as Array<{
      text: string;
      number?: { num?: number; prefix?: string; suffix?: string };
      terms?: Array<{ text: string }>;
    }>;
    for (const entry of found) {
      const surface = entry.text.trim().replace(/[.,;:!?]+$/, "");
      const value = entry.number?.num;
      if (surface === "" || typeof value !== "number" || !Number.isFinite(value)) continue;
      if (tokenize(surface).some((w) => dateWords.has(w))) continue;
      const isMoney =
        Boolean(entry.number?.prefix) ||
        /\b(?:dollars?|euros?|pounds?|rupees?|bucks|usd|eur|gbp|inr|k)\b/i.test(surface);
      const isPercent = entry.number?.suffix === "%" || /percent/i.test(surface);
      // "one" and "a" are too often not quantities ("that one", "one of them").
      if (!isMoney && !isPercent && !/\d/.test(surface) && value < 2) continue;
      const after = text.slice(text.indexOf(surface) + surface.length);
      const unitMatch = /^\s*(?:-\s*)?([A-Za-z]+)/.exec(after);
      const unit = isMoney
        ? entry.number?.prefix || unitMatch?.[1] || null
        : isPercent
          ? "%"
          : unitMatch && !/^(?:and|or|to|of|the|a|in|on|at|by|for|is|are|was)$/i.test(unitMatch[1]!)
            ? unitMatch[1]!.toLowerCase()
            : null;
      const key = `${surface.toLowerCase()}|${unit ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push({ text: surface, value, unit, context: stripFillers(text), sourceSegmentIds: [sentence.segment.id] });
    }
  }
  return result;
}

export function peopleMentioned(ctx: CallContext): Doc["peopleMentioned"] {
  const byName = new Map<string, { name: string; speakerId: string | null; sourceSegmentIds: string[] }>();
  for (const sentence of ctx.sentences) {
    const names = (nlp(sentence.text).people().out("array") as string[])
      .map((n) => n.replace(/[^\p{L}\s'-]/gu, "").trim())
      .filter((n) => n.length > 1 && /^\p{Lu}/u.test(n));
    for (const name of names) {
      const key = name.toLowerCase();
      const entry = byName.get(key) ?? { name, speakerId: speakerNamed(ctx, name), sourceSegmentIds: [] };
      if (!entry.sourceSegmentIds.includes(sentence.segment.id)) entry.sourceSegmentIds.push(sentence.segment.id);
      byName.set(key, entry);
    }
  }
  return [...byName.values()];
}

function speakerNamed(ctx: CallContext, name: string): string | null {
  const first = name.toLowerCase().split(/\s+/)[0];
  const matches = ctx.speakers.filter((s) => s.displayName && s.displayName.toLowerCase().split(/\s+/)[0] === first);
  return matches.length === 1 ? matches[0]!.speakerId : null;
}

export function importantDates(ctx: CallContext): Doc["importantDates"] {
  const result: Doc["importantDates"] = [];
  const seen = new Set<string>();
  for (const sentence of ctx.sentences) {
    for (const date of resolveDates(sentence.text, ctx.reference)) {
      // "now" and bare times of day are conversation, not dates worth listing.
      if (/^(?:now|right now|today|tonight|this morning|this afternoon|this evening)$/i.test(date.text)) continue;
      const key = `${date.date}|${date.dateTime ?? ""}`;
      if (seen.has(key)) continue;
      seen.add(key);
      result.push({
        text: date.text,
        date: date.date,
        context: neutralize(sentence.text, ctx.partiesFor(sentence.segment.speakerId)),
        sourceSegmentIds: [sentence.segment.id],
      });
    }
  }
  return result;
}
