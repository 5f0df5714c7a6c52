import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type ActionItem, createOfflineAnalyzer, type SpeakerRole } from "../../src/index";
import { transcript } from "../transcripts";

/**
 * The offline analyser's evaluation set: scripted calls by kind of speech (clean,
 * negation, past actions, vague talk, conditional, ASR noise, Hinglish, several
 * parties), each with the action items a careful listener would write down.
 *
 * Run `npx tsx packages/analysis/test/eval/score.ts` for the table; the vitest file
 * next to it holds the floors the figures must not fall below.
 */

export const EVAL_CALLS_DIR = join(import.meta.dirname, "calls");
/** A Wednesday, so "Friday", "Monday" and "next Tuesday" all resolve forward. */
const DEFAULT_RECORDED_AT = "2026-05-27T10:00:00Z";

export interface ExpectedItem {
  titleIncludes: string[];
  owner: SpeakerRole;
  dueDate: string | null;
  intent: string;
  /** Words a conditional commitment's description must keep ("legal approves"). */
  descriptionIncludes?: string[];
}

export interface EvalCall {
  name: string;
  kind: string;
  recordedAt?: string;
  speakers: Array<{ id: string; name: string | null; role: SpeakerRole }>;
  turns: Array<[string, string]>;
  expected: ExpectedItem[];
}

export interface Tally {
  calls: number;
  expected: number;
  produced: number;
  matched: number;
  ownerRight: number;
  dueRight: number;
  intentRight: number;
  conditions: number;
  conditionsKept: number;
}

export interface Figures extends Tally {
  precision: number;
  recall: number;
  ownerAccuracy: number;
  dueDateAccuracy: number;
  intentAccuracy: number;
}

export interface CallResult {
  call: EvalCall;
  items: ActionItem[];
  missed: ExpectedItem[];
  invented: ActionItem[];
  wrong: string[];
  tally: Tally;
}

export function loadEvalSet(dir = EVAL_CALLS_DIR): EvalCall[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .flatMap((file) => {
      const data = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
        kind: string;
        calls: Array<Omit<EvalCall, "kind">>;
      };
      return data.calls.map((call) => ({ ...call, kind: data.kind }));
    });
}

function emptyTally(): Tally {
  return {
    calls: 0,
    expected: 0,
    produced: 0,
    matched: 0,
    ownerRight: 0,
    dueRight: 0,
    intentRight: 0,
    conditions: 0,
    conditionsKept: 0,
  };
}

const includesAll = (text: string | null | undefined, words: readonly string[]) =>
  words.every((w) => (text ?? "").toLowerCase().includes(w.toLowerCase()));

const analyzer = createOfflineAnalyzer();

/** One call: each expected item is matched to the first unclaimed produced item whose title holds its words. */
export async function scoreCall(call: EvalCall): Promise<CallResult> {
  const input = transcript(call.speakers, call.turns, call.recordedAt ?? DEFAULT_RECORDED_AT);
  const items = (await analyzer.analyze(input)).document.actionItems ?? [];
  const claimed = new Set<number>();
  const tally = emptyTally();
  tally.calls = 1;
  tally.expected = call.expected.length;
  tally.produced = items.length;
  const missed: ExpectedItem[] = [];
  const wrong: string[] = [];
  for (const expected of call.expected) {
    const index = items.findIndex((item, i) => !claimed.has(i) && includesAll(item.title, expected.titleIncludes));
    if (index < 0) {
      missed.push(expected);
      continue;
    }
    claimed.add(index);
    const item = items[index]!;
    const label = expected.titleIncludes.join(" ");
    tally.matched += 1;
    const owner = item.ownerRole ?? "UNKNOWN";
    if (owner === expected.owner) tally.ownerRight += 1;
    else wrong.push(`${label}: owner ${owner}, expected ${expected.owner}`);
    if ((item.dueDate ?? null) === expected.dueDate) tally.dueRight += 1;
    else wrong.push(`${label}: due ${item.dueDate ?? null}, expected ${expected.dueDate}`);
    if (item.intent === expected.intent) tally.intentRight += 1;
    else wrong.push(`${label}: intent ${item.intent}, expected ${expected.intent}`);
    if (expected.descriptionIncludes) {
      tally.conditions += 1;
      if (includesAll(item.description, expected.descriptionIncludes)) tally.conditionsKept += 1;
      else wrong.push(`${label}: description lost the condition "${expected.descriptionIncludes.join(" ")}"`);
    }
  }
  const invented = items.filter((_, i) => !claimed.has(i));
  return { call, items, missed, invented, wrong, tally };
}

function add(a: Tally, b: Tally): Tally {
  const sum = emptyTally();
  for (const key of Object.keys(sum) as Array<keyof Tally>) sum[key] = a[key] + b[key];
  return sum;
}

const ratio = (part: number, whole: number) => (whole === 0 ? 1 : part / whole);

export function figuresOf(tally: Tally): Figures {
  return {
    ...tally,
    precision: ratio(tally.matched, tally.produced),
    recall: ratio(tally.matched, tally.expected),
    ownerAccuracy: ratio(tally.ownerRight, tally.matched),
    dueDateAccuracy: ratio(tally.dueRight, tally.matched),
    intentAccuracy: ratio(tally.intentRight, tally.matched),
  };
}

export interface EvalReport {
  results: CallResult[];
  byKind: Map<string, Figures>;
  overall: Figures;
}

export async function scoreEvalSet(calls: EvalCall[] = loadEvalSet()): Promise<EvalReport> {
  const results = await Promise.all(calls.map(scoreCall));
  const tallies = new Map<string, Tally>();
  let overall = emptyTally();
  for (const result of results) {
    tallies.set(result.call.kind, add(tallies.get(result.call.kind) ?? emptyTally(), result.tally));
    overall = add(overall, result.tally);
  }
  const byKind = new Map([...tallies].map(([kind, tally]) => [kind, figuresOf(tally)]));
  return { results, byKind, overall: figuresOf(overall) };
}

export function formatReport(report: EvalReport, verbose = false): string {
  const f2 = (n: number) => n.toFixed(2);
  const row = (name: string, f: Figures) =>
    [
      name.padEnd(12),
      String(f.calls).padStart(5),
      `${f.matched}/${f.expected}`.padStart(7),
      String(f.produced - f.matched).padStart(8),
      f2(f.precision).padStart(9),
      f2(f.recall).padStart(6),
      f2(f.ownerAccuracy).padStart(6),
      f2(f.dueDateAccuracy).padStart(6),
      f2(f.intentAccuracy).padStart(7),
    ].join(" ");
  const header = [
    "kind".padEnd(12),
    "calls".padStart(5),
    "found".padStart(7),
    "invented".padStart(8),
    "precision".padStart(9),
    "recall".padStart(6),
    "owner".padStart(6),
    "due".padStart(6),
    "intent".padStart(7),
  ].join(" ");
  const lines = [header, ...[...report.byKind].map(([kind, f]) => row(kind, f)), row("overall", report.overall)];
  const o = report.overall;
  lines.push(`conditions kept in the description: ${o.conditionsKept}/${o.conditions}`);
  if (verbose) {
    for (const r of report.results) {
      if (r.missed.length === 0 && r.invented.length === 0 && r.wrong.length === 0) continue;
      lines.push(`\n${r.call.kind}/${r.call.name}`);
      for (const m of r.missed) lines.push(`  missed   ${m.titleIncludes.join(" ")} (${m.owner}, ${m.dueDate})`);
      for (const i of r.invented) lines.push(`  invented "${i.title}" (${i.ownerRole}, ${i.dueDate}, ${i.intent})`);
      for (const w of r.wrong) lines.push(`  wrong    ${w}`);
      lines.push(`  produced ${r.items.map((i) => `"${i.title}"`).join(", ") || "nothing"}`);
    }
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatReport(await scoreEvalSet(), process.argv.includes("--verbose")));
}
