import nlp from "compromise";
import type { AnalysisSegment, AnalysisSpeaker } from "../types";
import { normalizeSpeech } from "./speech";

/** One sentence of one segment: the unit every offline extractor works on. */
export interface Sentence {
  /** Position in the whole call, 0-based; stable ordering key. */
  ordinal: number;
  segment: AnalysisSegment;
  text: string;
  /** Lower-cased word tokens. */
  words: string[];
  /** Lower-cased words that carry topic (no stop words, no fillers). */
  contentWords: string[];
}

export const STOP_WORDS = new Set(
  (
    "a about above after again against all also am an and any are aren't as at be because been before being below between both but by " +
    "can can't cannot could couldn't did didn't do does doesn't doing don't down during each few for from further get got gonna had hadn't has hasn't " +
    "have haven't having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its " +
    "itself just let let's like me more most mustn't my myself no nor not now of off on once only or other ought our ours ourselves out over own " +
    "really right same shan't she she'd she'll she's should shouldn't so some such sure than that that's the their theirs them themselves then there " +
    "there's these they they'd they'll they're they've this those through to too under until up us very was wasn't we we'd we'll we're we've were " +
    "weren't what what's when when's where where's which while who who's whom why why's will with won't would wouldn't yeah yes you you'd you'll " +
    "you're you've your yours yourself yourselves okay ok oh um uh hmm hi hello hey thanks thank thing things know think going want wanna go well " +
    "actually maybe one two lot good great yep yup alright bye also kind sort mean said say says see look make made need needs today tomorrow " +
    "week day time send call back next last still even much many way something anything everything nothing please sounds sound bit little"
  ).split(" "),
);

const FILLER_PREFIX =
  /^(?:(?:um+|uh+|erm|hmm+|so|well|okay|ok|oh|yeah|yes|right|alright|and|but|like|you know)\b[,.!]?\s+)+/i;

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+(?:['’][a-z]+)?/g) ?? []).map((w) => w.replace("’", "'"));
}

export function contentWordsOf(words: readonly string[]): string[] {
  return words.filter((w) => w.length > 2 && !STOP_WORDS.has(w) && !/^\d+$/.test(w));
}

export function splitSentences(segments: readonly AnalysisSegment[]): Sentence[] {
  const sentences: Sentence[] = [];
  for (const segment of segments) {
    // ASR output (fillers, stutters, no apostrophes) is mended before anything reads it.
    const spoken = normalizeSpeech(segment.text);
    const parts = nlp(spoken).sentences().out("array") as string[];
    for (const raw of parts.length > 0 ? parts : [spoken]) {
      const text = raw.trim();
      if (text === "") continue;
      const words = tokenize(text);
      sentences.push({ ordinal: sentences.length, segment, text, words, contentWords: contentWordsOf(words) });
    }
  }
  return sentences;
}

/** `MM:SS`, or `HH:MM:SS` from one hour on. */
export function formatTimestamp(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${pad(h)}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

export function stripFillers(text: string): string {
  const stripped = text.replace(FILLER_PREFIX, "").trim();
  return stripped === "" ? text.trim() : capitalize(stripped);
}

export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function speakerName(speaker: Pick<AnalysisSpeaker, "displayName" | "label">): string {
  return speaker.displayName?.trim() || speaker.label;
}

export function sentenceJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const setA = new Set(a);
  const setB = new Set(b);
  let shared = 0;
  for (const w of setA) if (setB.has(w)) shared += 1;
  return shared / (setA.size + setB.size - shared);
}

// ---------------------------------------------------------------------------
// Speaker-neutral rewriting: "I'll send you the deck" said by Priya to Alex becomes
// "Priya will send Alex the deck", so narrative fields describe what happened
// instead of quoting a first-person speaker.

export interface Parties {
  speaker: string;
  /** The other party when there is exactly one; otherwise a neutral phrase. */
  counterpart: string;
}

interface TermJson {
  text: string;
  pre: string;
  post: string;
  implicit?: string;
  tags: string[];
}

const conjugationCache = new Map<string, string>();

function thirdPersonSingular(verb: string): string {
  const lower = verb.toLowerCase();
  const irregular: Record<string, string> = {
    am: "is",
    are: "is",
    "'m": "is",
    "'re": "is",
    were: "was",
    have: "has",
    "'ve": "has",
    do: "does",
  };
  const known = irregular[lower];
  if (known) return known;
  let conjugated = conjugationCache.get(lower);
  if (conjugated === undefined) {
    const forms = nlp(lower).verbs().conjugate()[0] as { PresentTense?: string } | undefined;
    conjugated = forms?.PresentTense ?? lower;
    conjugationCache.set(lower, conjugated);
  }
  return conjugated;
}

function possessive(name: string): string {
  return name.endsWith("s") ? `${name}'` : `${name}'s`;
}

export function neutralize(text: string, parties: Parties): string {
  // "Let's" proposes something for both sides; "we" usually means the speaker's side.
  const prepared = stripFillers(text).replace(/\blet['’]s\b/gi, "both sides will");
  const sentences = nlp(prepared).json() as Array<{ terms: TermJson[] }>;
  const side = `${possessive(parties.speaker)} side`;
  const out: string[] = [];
  for (const sentence of sentences) {
    let agreePending = false;
    let skipped = 0;
    for (let i = 0; i < sentence.terms.length; i += 1) {
      const term = sentence.terms[i]!;
      const word = term.implicit ?? term.text;
      const lower = word.toLowerCase();
      const next = sentence.terms[i + 1];
      const nextIsVerb = next?.tags.includes("Verb");
      let replacement = word;
      if (lower === "i") {
        replacement = parties.speaker;
        agreePending = true;
        skipped = 0;
      } else if (lower === "me" || lower === "myself") {
        replacement = parties.speaker;
      } else if (lower === "my" || lower === "mine") {
        replacement = possessive(parties.speaker);
      } else if (lower === "you" || lower === "yourself") {
        replacement = parties.counterpart;
        if (nextIsVerb) {
          agreePending = true;
          skipped = 0;
        }
      } else if (lower === "your" || lower === "yours") {
        replacement = possessive(parties.counterpart);
      } else if (lower === "we") {
        replacement = side;
        if (nextIsVerb) {
          agreePending = true;
          skipped = 0;
        }
      } else if (lower === "us") {
        replacement = side;
      } else if (lower === "our" || lower === "ours") {
        replacement = possessive(parties.speaker);
      } else if (agreePending && term.tags.includes("Verb")) {
        agreePending = false;
        if (!term.tags.includes("Modal") && !(term.tags.includes("PastTense") && lower !== "were")) {
          replacement = matchCase(thirdPersonSingular(lower), word);
        }
      } else if (agreePending) {
        // Allow an adverb or two between subject and verb ("I really need").
        skipped += 1;
        if (skipped > 2 || !term.tags.includes("Adverb")) agreePending = false;
      }
      const pre = term.text === "" && term.implicit ? " " : term.pre;
      out.push(`${pre}${replacement}${term.post}`);
    }
  }
  return capitalize(
    out
      .join("")
      .replace(/\s+/g, " ")
      .replace(/\bcan not\b/g, "cannot")
      .trim(),
  );
}

function matchCase(value: string, like: string): string {
  return like.charAt(0) === like.charAt(0).toUpperCase() && like.charAt(0) !== like.charAt(0).toLowerCase()
    ? capitalize(value)
    : value;
}
