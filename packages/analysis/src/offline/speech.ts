import nlp from "compromise";
import {
  DATE_CUES,
  DOUBLE_NEGATIVES,
  FILLER_SOUNDS,
  ILL_AS_ADJECTIVE_AFTER,
  LEADING_FILLERS,
  LETS_AS_VERB_AFTER,
  MISHEARD_DATE_WORDS,
  MONTHS,
  NOT_DATE_WORDS,
  PHRASE_FIXES,
  SPELLINGS,
  WEEKDAYS,
} from "./lexicon/english";
import { HINGLISH } from "./lexicon/hinglish";
import type { LanguageTable, Mood } from "./lexicon/table";

/**
 * Spoken text as ASR writes it, turned into the text the extractors read: fillers and
 * stutters out, apostrophes back, mis-heard day and month names mended, and clauses in
 * other languages (from their tables) glossed into the English the patterns know.
 */

/** Tables for the languages glossed into English; add one to support another language. */
const LANGUAGE_TABLES: readonly LanguageTable[] = [HINGLISH];

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
/** A regular-expression alternation of the phrases, longest first so "no need" beats "no". */
export const alternation = (words: readonly string[]) =>
  [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join("|");

const FILLER_RE = new RegExp(`(?:^|\\s+)(?:${alternation(FILLER_SOUNDS)})\\b[,.]?(?=\\s|$)`, "gi");
const LEADING_FILLER_RE = new RegExp(
  `(^|[.!?,]\\s*|\\bso\\s+)(?:(?:${alternation(LEADING_FILLERS)})\\s+)+(?=(?:i|i'll|i'm|we|we'll|you|can|could|let's|so)\\b)`,
  "gi",
);
const DATE_NAMES = [...WEEKDAYS, ...MONTHS];

/** Optimal-string-alignment distance: transpositions count once ("fridya"). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j += 1) d[0]![j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Words compromise knows ("remember", "match", "sturdy"): real words, not mis-heard dates. */
const KNOWN_WORDS = new Set(
  Object.keys((nlp as unknown as { model(): { one: { lexicon: Record<string, unknown> } } }).model().one.lexicon),
);

/** The day or month name a near-miss stands for, when one is clearly meant. */
function dateNameFor(word: string): string | null {
  const lower = word.toLowerCase();
  const known = MISHEARD_DATE_WORDS[lower];
  if (known) return known;
  if (lower.length < 5 || DATE_NAMES.includes(lower) || NOT_DATE_WORDS.includes(lower)) return null;
  if (KNOWN_WORDS.has(lower) && !DATE_NAMES.some((name) => lower === `${name}s`)) return null;
  const close = DATE_NAMES.filter(
    (name) => name.length >= 5 && editDistance(lower, name) <= (name.length >= 7 ? 2 : 1),
  );
  return close.length === 1 ? close[0]! : null;
}

export function normalizeSpeech(raw: string): string {
  let text = raw.replace(/[’‘]/g, "'");
  for (const [heard, meant] of PHRASE_FIXES)
    text = text.replace(new RegExp(`\\b${escapeRegExp(heard)}\\b`, "gi"), meant);
  text = text.replace(FILLER_RE, "").replace(/^\s*[,.]\s*/, "");
  const words = text.split(/(\s+)/);
  for (let i = 0; i < words.length; i += 2) {
    const match = /^([A-Za-z]+)([^A-Za-z']*)$/.exec(words[i]!);
    if (!match) continue;
    const [, word, trail] = match as unknown as [string, string, string];
    const lower = word.toLowerCase();
    const previous = (words[i - 2] ?? "").toLowerCase().replace(/[^a-z']/g, "");
    let replacement: string | null = SPELLINGS[lower] ?? null;
    if (lower === "ill" && !ILL_AS_ADJECTIVE_AFTER.includes(previous)) replacement = "i'll";
    if (lower === "lets" && !LETS_AS_VERB_AFTER.includes(previous)) replacement = "let's";
    if (replacement === null && (MISHEARD_DATE_WORDS[lower] || DATE_CUES.includes(previous))) {
      replacement = dateNameFor(lower);
    }
    if (replacement !== null) words[i] = `${replacement}${trail}`;
  }
  text = words.join("");
  // Stutters: "the the", "i i'll", "can you can you".
  text = text
    .replace(/\b([a-z]+)\s+(\1'(?:ll|m|d|ve|re|s))\b/gi, "$2")
    .replace(/\b([a-z]+ [a-z']+)\s+\1\b/gi, "$1")
    .replace(/\b([a-z']+)(?:,?\s+\1\b)+/gi, "$1");
  text = text.replace(LEADING_FILLER_RE, "$1");
  for (const [negated, positive] of DOUBLE_NEGATIVES) {
    text = text.replace(new RegExp(`\\b${escapeRegExp(negated)}\\b`, "gi"), positive);
  }
  return text.replace(/\s{2,}/g, " ").trim();
}

// ---------------------------------------------------------------------------
// Glossing another language's clause into English, from its table.

interface VerbForm {
  tokens: string[];
  english: string | null;
  mood: Mood;
}

const formsCache = new WeakMap<LanguageTable, VerbForm[]>();

function verbForms(table: LanguageTable): VerbForm[] {
  let forms = formsCache.get(table);
  if (forms) return forms;
  forms = [];
  for (const verb of table.verbs) {
    for (const stem of verb.stems) {
      for (const [mood, endings] of Object.entries(table.inflections) as Array<[Mood, string[]]>) {
        for (const ending of endings)
          forms.push({ tokens: `${stem}${ending}`.split(" "), english: verb.english, mood });
      }
    }
  }
  for (const irregular of table.irregular) {
    const english = table.verbs.find((v) => v.stems.includes(irregular.stem))?.english ?? null;
    forms.push({ tokens: irregular.form.split(" "), english, mood: irregular.mood });
  }
  forms.sort((a, b) => b.tokens.length - a.tokens.length);
  formsCache.set(table, forms);
  return forms;
}

const startsWith = (tokens: readonly string[], at: number, phrase: readonly string[]) =>
  phrase.every((word, k) => tokens[at + k] === word);

/** The longest phrase of `phrases` starting at `at`, as its word count (0 when none). */
function phraseAt(tokens: readonly string[], at: number, phrases: readonly string[]): number {
  let best = 0;
  for (const phrase of phrases) {
    const words = phrase.split(" ");
    if (words.length > best && startsWith(tokens, at, words)) best = words.length;
  }
  return best;
}

/**
 * English clauses for a clause in a table's language, or null when none of its verb
 * forms occurs. "main kal tak quotation bhej dungi" → "i'll send quotation by tomorrow".
 */
export function glossClause(clause: string, tables: readonly LanguageTable[] = LANGUAGE_TABLES): string[] | null {
  const original = clause.split(/\s+/).map((w) => w.replace(/^[^\p{L}\d']+|[^\p{L}\d']+$/gu, ""));
  const breaksAfter = clause.split(/\s+/).map((w) => /[,;:!?.]$/.test(w));
  const tokens = original.map((w) => w.toLowerCase());
  for (const table of tables) {
    const forms = verbForms(table);
    // A one-word form that is also an English word or name ("Lana", "Milo") counts only
    // in a clause with some other word of the language.
    const speaksIt = tokens.some((t) => languageMarkers(table).has(t));
    const glosses: string[] = [];
    let chunkStart = 0;
    for (let i = 0; i < tokens.length; i += 1) {
      const breakWords = phraseAt(tokens, i, table.clauseBreaks);
      if (breakWords > 0) {
        chunkStart = i + breakWords;
        i += breakWords - 1;
        continue;
      }
      const form = forms.find(
        (f) => startsWith(tokens, i, f.tokens) && (speaksIt || f.tokens.length > 1 || !KNOWN_WORDS.has(f.tokens[0]!)),
      );
      if (form) {
        glosses.push(glossChunk(table, original.slice(chunkStart, i), form));
        i += form.tokens.length - 1;
        chunkStart = i + 1;
        continue;
      }
      if (breaksAfter[i]) chunkStart = i + 1;
    }
    if (glosses.length > 0) return glosses;
  }
  return null;
}

const markersCache = new WeakMap<LanguageTable, Set<string>>();

/** The table's own words that are not also English words. */
function languageMarkers(table: LanguageTable): Set<string> {
  let markers = markersCache.get(table);
  if (markers) return markers;
  const words = [
    ...Object.keys(table.subjects),
    ...Object.keys(table.recipients),
    ...Object.keys(table.timePostpositions),
    ...Object.keys(table.placePostpositions),
    ...table.negations,
    ...table.particles,
    ...table.clauseBreaks,
    ...table.times.flatMap((t) => t.words),
  ].flatMap((w) => w.split(" "));
  markers = new Set(words.filter((w) => !KNOWN_WORDS.has(w)));
  markersCache.set(table, markers);
  return markers;
}

function glossChunk(table: LanguageTable, words: string[], form: VerbForm): string {
  const lower = words.map((w) => w.toLowerCase());
  let subject: string | null = null;
  let recipient: string | null = null;
  let negated = false;
  const times: string[] = [];
  const object: string[] = [];
  const tense = form.mood === "past" ? "past" : "future";
  for (let i = 0; i < lower.length; i += 1) {
    const word = lower[i]!;
    const time = table.times.find((t) => t.words.some((w) => startsWith(lower, i, w.split(" "))));
    if (time) {
      const length = time.words.find((w) => startsWith(lower, i, w.split(" ")))!.split(" ").length;
      const postposition = table.timePostpositions[lower[i + length] ?? ""];
      times.push(postposition ? `${postposition} ${time[tense]}` : time[tense]);
      i += length - 1 + (postposition ? 1 : 0);
      continue;
    }
    const particle = phraseAt(lower, i, table.particles);
    if (particle > 0) {
      i += particle - 1;
      continue;
    }
    if (table.subjects[word]) subject = table.subjects[word]!;
    else if (table.recipients[word]) recipient = table.recipients[word]!;
    else if (table.negations.includes(word)) negated = true;
    else if (table.placePostpositions[word] && object.length > 0) {
      object.push(`${table.placePostpositions[word]} ${object.pop()}`);
    } else object.push(words[i]!);
  }
  let verb = form.english;
  if (verb === null) {
    // A light verb takes its meaning from the word before it ("call kar", "mail kar").
    const before = object.at(-1)?.toLowerCase();
    if (before !== undefined) {
      object.pop();
      verb = table.lightVerbObjects[before] ?? before;
    } else {
      // "kar deti hoon" alone accepts what was asked: an anaphoric "handle it".
      verb = "handle";
      object.push("it");
    }
  }
  // The object is often left unsaid ("kal tak bhej dunga"): it is what was just asked for.
  if (object.length === 0 && recipient === null && form.english !== null && form.mood !== "joint") object.push("it");
  const rest = [recipient, ...object, ...times].filter(Boolean).join(" ");
  const we = subject === "we";
  switch (form.mood) {
    case "commitment":
      return negated ? `${we ? "we" : "i"} won't ${verb} ${rest}` : `${we ? "we'll" : "i'll"} ${verb} ${rest}`;
    case "request":
      return negated ? `don't ${verb} ${rest}` : `can you ${verb} ${rest}`;
    case "joint":
      return negated ? `let's not ${verb} ${rest}` : `let's ${verb} ${rest}`;
    case "past":
      return `${subject ?? "i"} already did ${verb} ${rest}`;
  }
}

/** Every table's words for refusing and for calling something off. */
export const TABLE_REFUSALS = LANGUAGE_TABLES.flatMap((t) => t.refusals);
export const TABLE_CANCELLATIONS = LANGUAGE_TABLES.flatMap((t) => t.cancellations);
export const TABLE_CANCELLATION_LEADS = LANGUAGE_TABLES.flatMap((t) => t.cancellationLeads);
