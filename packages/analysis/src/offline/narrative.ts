import nlp from "compromise";
import type { AnalysisDocument, CallType } from "../schema";
import type { CallContext } from "./context";
import { resolveDates } from "./dates";
import { capitalize, formatTimestamp, neutralize, type Sentence, STOP_WORDS, sentenceJaccard, tokenize } from "./text";

/**
 * Extractive narrative: topic segmentation by lexical cohesion, sentence salience by
 * term frequency, and a ledger that hands each fact to exactly one narrative field.
 */

type Doc = Required<AnalysisDocument>;

/** Claims sentences so no fact appears twice across summary, bullets, points and sections. */
export class FactLedger {
  private readonly claimed = new Set<number>();
  private readonly claimedWords: string[][] = [];

  constructor(alreadyUsed: Iterable<number>) {
    for (const ordinal of alreadyUsed) this.claimed.add(ordinal);
  }

  isFree(sentence: Sentence): boolean {
    if (this.claimed.has(sentence.ordinal)) return false;
    return !this.claimedWords.some((words) => sentenceJaccard(words, sentence.contentWords) >= 0.6);
  }

  claim(sentence: Sentence): void {
    this.claimed.add(sentence.ordinal);
    this.claimedWords.push(sentence.contentWords);
  }

  has(ordinal: number): boolean {
    return this.claimed.has(ordinal);
  }
}

const CALL_TYPE_KEYWORDS: Array<[CallType, RegExp]> = [
  [
    "support",
    /\b(?:issue|problem|error|ticket|not working|broken|reset|bug|fix|troubleshoot|refund|crash(?:es|ed)?|log ?in|password|outage|support|restart(?:ed|s)?|router|connection|not loading)\b/gi,
  ],
  [
    "sales",
    /\b(?:pricing|price|quote|proposal|demo|discount|deal|licen[cs]es?|seats|purchase|buy|subscription|plan|trial|renewal|contract|upgrade)\b/gi,
  ],
  [
    "finance",
    /\b(?:invoice|payment|loan|bank|balance|mortgage|tax(?:es)?|budget|credit|debit|interest rate|investment|account number)\b/gi,
  ],
  [
    "healthcare",
    /\b(?:doctor|appointment|prescription|symptoms?|clinic|pain|medication|hospital|dentist|nurse|treatment)\b/gi,
  ],
  ["legal", /\b(?:lawyer|attorney|court|lawsuit|settlement|legal|clause|litigation|hearing)\b/gi],
  ["education", /\b(?:class|homework|teacher|course|exam|school|lecture|assignment|semester|tuition)\b/gi],
  ["interview", /\b(?:interview|candidate|resume|cv|position|hiring|recruiter|salary expectations?|notice period)\b/gi],
  [
    "personal",
    /\b(?:mom|mum|dad|birthday|dinner|weekend|love you|family|kids|party|movie|brunch|honey|sweetie|grandma|wedding|holiday)\b/gi,
  ],
  [
    "business",
    /\b(?:meeting|project|team|client|deadline|quarter(?:ly)?|report|stakeholders?|roadmap|launch|vendor)\b/gi,
  ],
];

export function guessCallType(ctx: CallContext): CallType {
  const text = ctx.sentences.map((s) => s.text).join(" ");
  if (text.trim() === "") return "unknown";
  let best: CallType = "unknown";
  let bestHits = 1; // one stray keyword is not evidence
  for (const [type, pattern] of CALL_TYPE_KEYWORDS) {
    const hits = text.match(pattern)?.length ?? 0;
    if (hits > bestHits) {
      best = type;
      bestHits = hits;
    }
  }
  return best;
}

const nounCache = new WeakMap<Sentence, string[]>();

function nounsOf(sentence: Sentence): string[] {
  let nouns = nounCache.get(sentence);
  if (nouns === undefined) {
    const raw = nlp(sentence.text)
      .match("#Noun")
      .not("(#Pronoun|#Person|#ProperNoun|#Date|#Value|#Possessive)")
      .out("array") as string[];
    nouns = raw
      .flatMap((n) => tokenize(n))
      .filter(
        (w) =>
          w.length > 2 &&
          !STOP_WORDS.has(w) &&
          !/^\d/.test(w) &&
          !new RegExp(`\\b${w}\\b`).test(capitalisedWords(sentence.text)),
      );
    nounCache.set(sentence, nouns);
  }
  return nouns;
}

/** Words written with a capital inside the sentence: names and brands, not topics. */
function capitalisedWords(text: string): string {
  return (text.match(/(?<!^|[.!?]\s)\b\p{Lu}[\p{L}'-]*/gu) ?? []).join(" ").toLowerCase();
}

export function topicWords(
  sentences: readonly Sentence[],
  limit: number,
  penalise: ReadonlyMap<string, number> = new Map(),
): string[] {
  const counts = new Map<string, number>();
  for (const s of sentences) for (const n of nounsOf(s)) counts.set(n, (counts.get(n) ?? 0) + 1);
  return [...counts.entries()]
    .map(([w, c]) => [w, c / (1 + (penalise.get(w) ?? 0))] as const)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([w]) => w);
}

function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? "";
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

export interface Chunk {
  sentences: Sentence[];
  header: string;
  startSeconds: number;
}

/**
 * Splits the call where vocabulary changes most between neighbouring windows of
 * segments (TextTiling-style), into 3–6 chunks as length allows.
 */
export function segmentTopics(ctx: CallContext): Chunk[] {
  const segments = ctx.input.segments.filter((seg) => ctx.sentences.some((s) => s.segment.id === seg.id));
  if (segments.length === 0) return [];
  const wordCount = ctx.sentences.reduce((n, s) => n + s.words.length, 0);
  const wanted = Math.min(segments.length, Math.max(3, Math.min(6, Math.round(wordCount / 150))));
  const bags = segments.map((seg) =>
    ctx.sentences.filter((s) => s.segment.id === seg.id).flatMap((s) => s.contentWords),
  );
  const window = 3;
  const gaps: Array<{ index: number; similarity: number }> = [];
  for (let i = 1; i < segments.length; i += 1) {
    gaps.push({
      index: i,
      similarity: cosine(bags.slice(Math.max(0, i - window), i).flat(), bags.slice(i, i + window).flat()),
    });
  }
  const minSpacing = Math.max(1, Math.floor(segments.length / (wanted * 2)));
  const cuts: number[] = [];
  for (const gap of [...gaps].sort((a, b) => a.similarity - b.similarity || a.index - b.index)) {
    if (cuts.length >= wanted - 1) break;
    if (cuts.every((c) => Math.abs(c - gap.index) >= minSpacing)) cuts.push(gap.index);
  }
  cuts.sort((a, b) => a - b);
  const bounds = [0, ...cuts, segments.length];
  const chunks = bounds.slice(0, -1).map((start, i) => {
    const ids = new Set(segments.slice(start, bounds[i + 1]).map((s) => s.id));
    return ctx.sentences.filter((s) => ids.has(s.segment.id));
  });
  const overall = new Map<string, number>();
  for (const chunk of chunks)
    for (const w of new Set(chunk.flatMap(nounsOf))) overall.set(w, (overall.get(w) ?? 0) + 1);
  return chunks.map((sentences, i) => {
    const words = topicWords(sentences, 2, overall);
    const header = words.length > 0 ? capitalize(joinWords(words)) : i === 0 ? "Opening" : `Part ${i + 1}`;
    return { sentences, header, startSeconds: sentences[0]?.segment.startSeconds ?? 0 };
  });
}

function cosine(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const count = (words: readonly string[]) =>
    words.reduce((m, w) => m.set(w, (m.get(w) ?? 0) + 1), new Map<string, number>());
  const ca = count(a);
  const cb = count(b);
  let dot = 0;
  for (const [w, n] of ca) dot += n * (cb.get(w) ?? 0);
  const norm = (m: Map<string, number>) => Math.sqrt([...m.values()].reduce((s, n) => s + n * n, 0));
  return dot / (norm(ca) * norm(cb));
}

/** Content-word frequency, favouring figures and dates, penalising questions and fragments. */
export function rankBySalience(ctx: CallContext): Sentence[] {
  const frequency = new Map<string, number>();
  for (const s of ctx.sentences) for (const w of s.contentWords) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const score = (s: Sentence) => {
    if (s.words.length < 5 || s.contentWords.length < 2) return -Infinity;
    let value = s.contentWords.reduce((sum, w) => sum + (frequency.get(w) ?? 0), 0) / Math.sqrt(s.words.length);
    if (/\d|\$|€|£|percent/.test(s.text)) value += 1;
    if (resolveDates(s.text, ctx.reference).length > 0) value += 0.5;
    if (/\?\s*$/.test(s.text)) value -= 1.5;
    // Greetings, introductions and sign-offs carry no content worth summarising.
    if (
      /^(?:hi|hello|hey|good (?:morning|afternoon|evening)|thanks|thank you|bye|goodbye|talk (?:to you )?soon|have a good)\b|\bthis is \p{Lu}/iu.test(
        s.text,
      )
    )
      return -Infinity;
    return value;
  };
  return ctx.sentences
    .map((s) => ({ s, value: score(s) }))
    .filter((x) => Number.isFinite(x.value))
    .sort((a, b) => b.value - a.value || a.s.ordinal - b.s.ordinal)
    .map((x) => x.s);
}

function neutral(ctx: CallContext, sentence: Sentence): string {
  return neutralize(sentence.text, ctx.partiesFor(sentence.segment.speakerId));
}

function take(
  ranked: readonly Sentence[],
  ledger: FactLedger,
  limit: number,
  accept: (s: Sentence) => boolean = () => true,
): Sentence[] {
  const taken: Sentence[] = [];
  for (const s of ranked) {
    if (taken.length >= limit) break;
    if (!ledger.isFree(s) || !accept(s)) continue;
    ledger.claim(s);
    taken.push(s);
  }
  return taken;
}

function minutesPhrase(seconds: number): string | null {
  if (seconds <= 0) return null;
  if (seconds < 90) return "under two minutes";
  return `about ${Math.round(seconds / 60)} minutes`;
}

function participantNames(ctx: CallContext): string[] {
  return ctx.speakers.map((s) => s.displayName?.trim()).filter((n): n is string => Boolean(n));
}

export function executiveSummary(
  ctx: CallContext,
  callType: CallType,
  ranked: readonly Sentence[],
  ledger: FactLedger,
  outcome: string | null,
): string {
  const kind = callType === "unknown" || callType === "other" ? "" : `${callType} `;
  const names = participantNames(ctx);
  const length = minutesPhrase(ctx.spanSeconds);
  const framing = `${/^[aeiou]/i.test(kind) ? "An" : "A"} ${kind}call${names.length >= 2 ? ` between ${joinWords(names)}` : ""}${length ? ` lasting ${length}` : ""}.`;
  const body = take(ranked, ledger, outcome ? 2 : 3, (s) => !/\?\s*$/.test(s.text))
    .sort((a, b) => a.ordinal - b.ordinal)
    .map((s) => ensurePeriod(neutral(ctx, s)));
  return [framing, ...body, ...(outcome ? [outcome] : [])].slice(0, 4).join(" ");
}

function ensurePeriod(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

export function keyDiscussionPoints(
  ctx: CallContext,
  ranked: readonly Sentence[],
  ledger: FactLedger,
  chunks: readonly Chunk[],
): Doc["keyDiscussionPoints"] {
  const chosen = take(ranked, ledger, 6, (s) => !/\?\s*$/.test(s.text));
  const total = Math.max(1, ctx.sentences.length);
  return chosen
    .map((s, rank) => ({ s, rank }))
    .sort((a, b) => a.s.ordinal - b.s.ordinal)
    .map(({ s, rank }) => {
      const position = s.ordinal / total;
      const followup = /\b(?:follow[- ]?up|next week|next time|get back|circle back)\b/i.test(s.text);
      const phase = followup
        ? ("followup" as const)
        : position < 0.2
          ? ("opening" as const)
          : position >= 0.8
            ? ("closing" as const)
            : ("middle" as const);
      const importance =
        rank < chosen.length / 3
          ? ("high" as const)
          : rank < (2 * chosen.length) / 3
            ? ("medium" as const)
            : ("low" as const);
      const topic = chunks.find((c) => c.sentences.includes(s))?.header ?? null;
      return { text: neutral(ctx, s), topic, phase, importance, sourceSegmentIds: [s.segment.id] };
    });
}

export function executiveSummaryBullets(
  ctx: CallContext,
  chunks: readonly Chunk[],
  ranked: readonly Sentence[],
  ledger: FactLedger,
): Doc["executiveSummaryBullets"] {
  return chunks.map((chunk) => {
    const inChunk = ranked.filter((s) => chunk.sentences.includes(s));
    const [best] = take(inChunk, ledger, 1, (s) => !/\?\s*$/.test(s.text));
    const topics = topicWords(chunk.sentences, 4);
    const paragraphs: string[] = [];
    if (best) paragraphs.push(neutral(ctx, best));
    if (topics.length > 0) paragraphs.push(`Topics: ${topics.join(", ")}.`);
    if (paragraphs.length === 0) paragraphs.push("Brief exchange.");
    return { header: chunk.header, startTimestamp: formatTimestamp(chunk.startSeconds), paragraphs };
  });
}

export function qualityWarnings(ctx: CallContext): string[] {
  const warnings: string[] = [];
  const words = ctx.sentences.reduce((n, s) => n + s.words.length, 0);
  if (ctx.input.segments.length === 0) warnings.push("empty_transcript");
  else if (words < 60 || ctx.spanSeconds < 30) warnings.push("very_short_transcript");
  if (new Set(ctx.input.segments.map((s) => s.speakerId)).size === 1) warnings.push("single_speaker");
  if (ctx.input.segments.length > 0 && !ctx.speakers.some((s) => s.role === "USER" || s.role === "CONTACT"))
    warnings.push("speaker_roles_unresolved");
  if (ctx.input.language && !/^en\b/i.test(ctx.input.language)) warnings.push("offline_analysis_english_only");
  warnings.push("offline_heuristic_analysis");
  return warnings;
}
