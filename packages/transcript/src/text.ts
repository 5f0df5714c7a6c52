/**
 * Text helpers shared by normalisation and speaker resolution: spoken-text cleanup
 * (stutters, repeated fillers, spacing) and word tokens for name matching.
 */

/** Hesitation sounds: any run of them, even mixed ("uh, um"), keeps only the first. */
const FILLERS = new Set(["um", "umm", "uh", "uhh", "uhm", "er", "erm", "ah", "ahh", "hmm", "hm", "mm", "mmm"]);

/**
 * Words people stumble on ("I I think", "the the report"). A doubled word is only
 * collapsed when it is one of these: many other doublings are meaningful ("that
 * that", "had had", "bye bye", Hindi reduplication such as "kabhi kabhi").
 */
const STUTTER_WORDS = new Set([
  "i",
  "a",
  "an",
  "the",
  "to",
  "and",
  "but",
  "or",
  "we",
  "you",
  "he",
  "she",
  "it",
  "they",
  "in",
  "of",
  "for",
  "on",
  "at",
  "with",
  "if",
  "what",
  "this",
  "i'm",
  "i'll",
  "i've",
  "i'd",
  "it's",
  "we're",
  "we'll",
  "you're",
]);

/** Repetition that is speech, not stumbling, however often it repeats. */
const MEANINGFUL_REPEATS = new Set([
  "no",
  "yes",
  "yeah",
  "ok",
  "okay",
  "bye",
  "ha",
  "haha",
  "he",
  "ho",
  "hello",
  "hi",
  "very",
  "really",
  "so",
  "please",
  "sorry",
  "knock",
  "well",
  "haan",
  "han",
  "ji",
  "bolo",
  "accha",
  "acha",
  "chalo",
  "thank",
  "thanks",
  "more",
  "much",
  "many",
  "again",
  "now",
  "wait",
  "go",
  "come",
]);

/** Punctuation that can sit between the halves of a stutter ("I, I", "I- I", "I... I"). */
const SOFT_SEPARATOR = /^(?:|,|-|–|—|…|\.\.+)$/u;

interface Token {
  lead: string;
  core: string;
  trail: string;
}

/**
 * Cleans one segment's spoken text: collapses stutters ("I I I think" → "I think",
 * "b-but" → "but") and repeated fillers ("um um", "uh, uh" → "um", "uh"), and tidies
 * spacing around punctuation. Numbers are never collapsed ("nine nine eight" is data).
 */
export function cleanSpokenText(text: string): string {
  const tokens = toTokens(text).map(collapseHyphenStutter);
  const kept: Token[] = [];
  let index = 0;
  while (index < tokens.length) {
    const first = tokens[index]!;
    let runEnd = index;
    while (runEnd + 1 < tokens.length && continuesRun(tokens[runEnd]!, tokens[runEnd + 1]!, first)) runEnd += 1;
    const runLength = runEnd - index + 1;
    if (runLength > 1 && isCollapsible(first, runLength)) {
      kept.push({ lead: first.lead, core: first.core, trail: tokens[runEnd]!.trail });
      index = runEnd + 1;
    } else {
      kept.push(first);
      index += 1;
    }
  }
  return tidyPunctuation(kept.map((token) => token.lead + token.core + token.trail).join(" "));
}

/** Collapses whitespace and removes spaces before closing punctuation. */
function tidyPunctuation(text: string): string {
  return text
    .replace(/\s+/gu, " ")
    .replace(/\s+([,.!?;:…])/gu, "$1")
    .replace(/,{2,}/gu, ",")
    .trim();
}

function toTokens(text: string): Token[] {
  const tokens: Token[] = [];
  for (const raw of text.split(/\s+/u)) {
    if (raw === "") continue;
    const match = /^([^\p{L}\p{N}]*)(.*?)([^\p{L}\p{N}]*)$/su.exec(raw)!;
    const [, lead = "", core = "", trail = ""] = match;
    const previous = tokens.at(-1);
    if (core === "" && previous) {
      // Bare punctuation ("I - I think") belongs to the word before it, spacing kept.
      previous.trail += ` ${raw}`;
    } else {
      tokens.push({ lead, core, trail });
    }
  }
  return tokens;
}

/** "I-I-I" → "I", "b-but" → "but": an in-word stutter of a whole word or one letter. */
function collapseHyphenStutter(token: Token): Token {
  const parts = token.core.split(/[-‐]/u);
  if (parts.length < 2 || parts.some((part) => part === "" || /\p{N}/u.test(part))) return token;
  const last = parts.at(-1)!;
  const lastKey = comparisonKey(last);
  if (MEANINGFUL_REPEATS.has(lastKey)) return token;
  const stutters = parts.slice(0, -1).every((part) => {
    const key = comparisonKey(part);
    return key === lastKey || (key.length === 1 && lastKey.length > 1 && lastKey.startsWith(key));
  });
  return stutters ? { ...token, core: last } : token;
}

function continuesRun(previous: Token, next: Token, first: Token): boolean {
  if (next.lead !== "" || !SOFT_SEPARATOR.test(previous.trail.replace(/\s+/gu, ""))) return false;
  const firstKey = comparisonKey(first.core);
  const nextKey = comparisonKey(next.core);
  if (FILLERS.has(firstKey)) return FILLERS.has(nextKey);
  return nextKey === firstKey;
}

function isCollapsible(first: Token, runLength: number): boolean {
  const key = comparisonKey(first.core);
  if (/\p{N}/u.test(key) || NUMBER_WORDS.has(key)) return false;
  if (FILLERS.has(key)) return true;
  if (MEANINGFUL_REPEATS.has(key)) return false;
  // Nobody means "the the the"; a plain doubling only counts for stutter-prone words.
  return runLength >= 3 || STUTTER_WORDS.has(key);
}

const NUMBER_WORDS = new Set([
  "zero",
  "oh",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "double",
  "triple",
  "hundred",
  "thousand",
]);

function comparisonKey(word: string): string {
  return word.normalize("NFC").toLowerCase().replace(/[’‘`]/gu, "'");
}

/** A word of spoken text as name matching sees it. */
export interface MatchToken {
  /** Lower-cased, accents removed: "José" → "jose". */
  key: string;
  /** Whether the word was written with a capital first letter. */
  capitalized: boolean;
}

/**
 * Splits text into words on every non-letter, non-digit boundary, so "program"
 * never contains "ram" and "Ravi's" contains "ravi".
 */
export function matchTokens(text: string): MatchToken[] {
  const tokens: MatchToken[] = [];
  for (const match of text.matchAll(/[\p{L}\p{M}\p{N}]+/gu)) {
    const raw = match[0];
    tokens.push({ key: foldForMatching(raw), capitalized: /^\p{Lu}/u.test(raw) });
  }
  return tokens;
}

/** Case- and accent-insensitive form of one word. */
function foldForMatching(word: string): string {
  // Only Latin combining accents are dropped: marks in other scripts are letters' vowels.
  return word
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/gu, "")
    .normalize("NFC")
    .toLowerCase();
}
