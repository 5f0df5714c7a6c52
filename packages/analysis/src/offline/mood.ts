import Sentiment from "sentiment";
import type { AnalysisDocument } from "../schema";
import type { CallContext } from "./context";
import type { Sentence } from "./text";

/** Sentiment (AFINN through `sentiment`) per party and per phase, and tone heuristics. */

type SentimentBlock = NonNullable<AnalysisDocument["sentiment"]>;
type ToneBlock = NonNullable<AnalysisDocument["tone"]>;
type Label = "positive" | "neutral" | "negative" | "mixed" | "unclear";

const afinn = new Sentiment();

interface Tally {
  positive: number;
  negative: number;
  words: number;
  positiveWords: string[];
  negativeWords: string[];
}

function tally(sentences: readonly Sentence[]): Tally {
  const total: Tally = { positive: 0, negative: 0, words: 0, positiveWords: [], negativeWords: [] };
  for (const sentence of sentences) {
    const result = afinn.analyze(sentence.text);
    for (const entry of result.calculation) {
      for (const [word, value] of Object.entries(entry)) {
        if (value > 0) {
          total.positive += value;
          total.positiveWords.push(word);
        } else if (value < 0) {
          total.negative += -value;
          total.negativeWords.push(word);
        }
      }
    }
    total.words += sentence.words.length;
  }
  return total;
}

/** −1…1: the balance of positive and negative weight, damped so two words do not make a verdict. */
function scoreOf(t: Tally): number | null {
  if (t.words < 5) return null;
  return Math.round(((t.positive - t.negative) / (t.positive + t.negative + 6)) * 100) / 100;
}

function labelOf(t: Tally): Label {
  const score = scoreOf(t);
  if (score === null) return "unclear";
  if (t.positive >= 4 && t.negative >= 4 && Math.min(t.positive, t.negative) / Math.max(t.positive, t.negative) >= 0.5)
    return "mixed";
  if (score >= 0.2) return "positive";
  if (score <= -0.2) return "negative";
  return "neutral";
}

function topWords(words: readonly string[], limit: number): string[] {
  const counts = new Map<string, number>();
  for (const w of words) counts.set(w, (counts.get(w) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([w]) => w);
}

function reasonOf(t: Tally): string {
  const pos = topWords(t.positiveWords, 3);
  const neg = topWords(t.negativeWords, 3);
  const parts: string[] = [];
  if (pos.length > 0) parts.push(`positive wording such as ${pos.map((w) => `"${w}"`).join(", ")}`);
  if (neg.length > 0) parts.push(`negative wording such as ${neg.map((w) => `"${w}"`).join(", ")}`);
  return parts.length === 0 ? "Little emotionally loaded wording." : `${capitalizeFirst(parts.join("; "))}.`;
}

function capitalizeFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** 2–4 phases by position in the call: opening, middle (split when long), closing. */
function phasesOf(sentences: readonly Sentence[]): Array<{ phase: string; sentences: Sentence[] }> {
  const n = sentences.length;
  if (n === 0) return [];
  const names =
    n >= 24
      ? ["opening", "early middle", "late middle", "closing"]
      : n >= 6
        ? ["opening", "middle", "closing"]
        : ["opening", "closing"];
  const count = Math.min(names.length, n);
  const used = count === names.length ? names : ["opening", "closing"].slice(0, count);
  return used.map((phase, i) => ({
    phase,
    sentences: sentences.slice(Math.floor((i * n) / count), Math.floor(((i + 1) * n) / count)),
  }));
}

export function sentimentOf(ctx: CallContext): SentimentBlock {
  const all = tally(ctx.sentences);
  const party = (role: "USER" | "CONTACT") => {
    const own = ctx.sentences.filter((s) => s.segment.role === role);
    if (own.length === 0) return null;
    const t = tally(own);
    return { overall: labelOf(t), score: scoreOf(t), notes: reasonOf(t) };
  };
  const progression = phasesOf(ctx.sentences).map(({ phase, sentences }) => {
    const t = tally(sentences);
    const strongest = [...sentences]
      .map((s) => ({ s, weight: Math.abs(afinn.analyze(s.text).score) }))
      .filter((x) => x.weight > 0)
      .sort((a, b) => b.weight - a.weight || a.s.ordinal - b.s.ordinal)
      .slice(0, 2)
      .map((x) => x.s.segment.id);
    return { phase, overall: labelOf(t), note: reasonOf(t), sourceSegmentIds: [...new Set(strongest)] };
  });
  const emotionalSignals = ctx.sentences
    .flatMap((s) =>
      afinn.analyze(s.text).calculation.flatMap((entry) =>
        Object.entries(entry)
          .filter(([, value]) => Math.abs(value) >= 3)
          .map(([word, value]) => ({ word, value, s })),
      ),
    )
    .filter((x, i, arr) => arr.findIndex((y) => y.word === x.word) === i)
    .slice(0, 6)
    .map(({ word, value, s }) => ({
      signal: word,
      polarity: value > 0 ? ("positive" as const) : ("negative" as const),
      speaker: ctx.nameOf(s.segment.speakerId),
      sourceSegmentIds: [s.segment.id],
    }));

  const block: SentimentBlock = {
    overall: labelOf(all),
    score: scoreOf(all),
    reason: reasonOf(all),
    progression,
    emotionalSignals,
  };
  const user = party("USER");
  const contact = party("CONTACT");
  if (user) block.userSentiment = user;
  if (contact) block.contactSentiment = contact;
  return block;
}

const FORMAL =
  /\b(?:please|thank you|would you|could you|regards|sir|madam|appreciate|kindly|certainly|pleasure|shall|may i|apologi[sz]e|sincerely)\b/gi;
const INFORMAL =
  /\b(?:yeah|gonna|wanna|gotta|hey|cool|yep|nope|kinda|lol|dude|awesome|ya|bro|guys|stuff|totally|super|mate|cheers|okay|ok)\b/gi;
const ENERGETIC =
  /!|\b(?:amazing|awesome|fantastic|excited|love|great|wow|absolutely|definitely|perfect|incredible)\b/gi;
const URGENCY = /\b(?:urgent|asap|immediately|right away|as soon as possible)\b/i;

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

function formalityOf(text: string, words: number): ToneBlock["formality"] {
  const balance = (countMatches(text, FORMAL) - countMatches(text, INFORMAL)) / Math.max(words / 50, 1);
  return balance >= 1 ? "formal" : balance <= -1 ? "informal" : "semi-formal";
}

export function toneOf(ctx: CallContext, sentiment: Label): ToneBlock {
  const text = ctx.sentences.map((s) => s.text).join(" ");
  const words = ctx.sentences.reduce((n, s) => n + s.words.length, 0);
  const formality = formalityOf(text, words);
  const energyRate = countMatches(text, ENERGETIC) / Math.max(words / 100, 1);
  const energy: ToneBlock["energy"] = energyRate >= 3 ? "high" : energyRate >= 1 ? "medium" : "low";
  const speakingSeconds = ctx.input.segments.reduce((sum, s) => sum + Math.max(0, s.endSeconds - s.startSeconds), 0);
  const minutes = (speakingSeconds > 0 ? speakingSeconds : ctx.spanSeconds) / 60;
  const wordsPerMinute = minutes > 0 ? words / minutes : null;
  const pace: ToneBlock["pace"] =
    wordsPerMinute === null ? "normal" : wordsPerMinute < 110 ? "slow" : wordsPerMinute > 170 ? "fast" : "normal";

  const descriptors: string[] = [];
  if (sentiment === "positive") descriptors.push(formality === "informal" ? "friendly" : "cordial");
  if (sentiment === "negative") descriptors.push("tense");
  if (sentiment === "mixed") descriptors.push("mixed");
  descriptors.push(formality === "formal" ? "professional" : formality === "informal" ? "casual" : "conversational");
  if (URGENCY.test(text)) descriptors.push("urgent");
  if (/\b(?:we|let's|together)\b/i.test(text) && countMatches(text, /\b(?:we|let's|together)\b/gi) >= 3)
    descriptors.push("collaborative");
  if (energy === "high") descriptors.push("energetic");
  else if (energy === "low" && pace !== "fast") descriptors.push("calm");

  const partyTone = (role: "USER" | "CONTACT") => {
    const own = ctx.sentences.filter((s) => s.segment.role === role);
    if (own.length === 0) return null;
    const ownText = own.map((s) => s.text).join(" ");
    return `${formalityOf(
      ownText,
      own.reduce((n, s) => n + s.words.length, 0),
    )}, ${labelOf(tally(own))}`;
  };
  const overall = descriptors.slice(0, 2).join(" and ");
  return {
    overall,
    descriptors: descriptors.slice(0, 4),
    formality,
    energy,
    pace,
    notes: wordsPerMinute === null ? "Speaking rate unknown." : `About ${Math.round(wordsPerMinute)} words per minute.`,
    byParty: { userTone: partyTone("USER"), contactTone: partyTone("CONTACT") },
  };
}
