/**
 * One language's knowledge for turning its spoken commitments into the English the
 * analyser reads. A new language is a new table; the engine (speech.ts) is shared.
 */
export type Mood = "commitment" | "request" | "joint" | "past";

export interface LanguageTable {
  id: string;
  /** Verb stems; `english: null` marks a light verb whose meaning is the word before it. */
  verbs: Array<{ stems: string[]; english: string | null }>;
  /** Endings (a leading space makes an auxiliary word) that give the mood of stem + ending. */
  inflections: Record<Mood, string[]>;
  irregular: Array<{ form: string; stem: string; mood: Mood }>;
  lightVerbObjects: Record<string, string>;
  subjects: Record<string, string>;
  recipients: Record<string, string>;
  negations: string[];
  times: Array<{ words: string[]; future: string; past: string }>;
  timePostpositions: Record<string, string>;
  /** Postpositions of place: "office mein" = in the office. */
  placePostpositions: Record<string, string>;
  particles: string[];
  clauseBreaks: string[];
  refusals: string[];
  /** Words that may open a sentence before its cancellation ("koi zaroorat nahi"). */
  cancellationLeads: string[];
  cancellations: string[];
}
