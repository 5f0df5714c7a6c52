/**
 * Search at 10,000 calls, in both modes (SQLite FTS5 and PostgreSQL full text):
 * p50 and p99 of one ranked page of 20 hits with snippets (`store.search.query`,
 * what GET /api/search runs) for a rare word, a common word, a phrase, a prefix
 * and a non-Latin word. Rows are seeded straight through the store.
 *
 *   npx tsx bench/search.ts [--scale 1] [--duration 1.5] [--mode=sqlite|postgres|both]
 *
 * Each call has 10 transcript segments of 14 words, a summary and two action
 * items (130,000 documents at scale 1); words follow a Zipf distribution over a
 * 5,000-word vocabulary, with the benchmark's own words planted at known rates.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { callSearchDocuments, openPostgresStore, openSqliteStore, type SearchClause, type Store } from "@scryon/db";
import { createTestDatabase } from "@scryon/db/testing";
import pg from "pg";
import { benchOptions, fixed, printTable, progress } from "./lib/report";

const FULL_CALLS = 10_000;
const SEGMENTS = 10;
const WORDS_PER_SEGMENT = 14;
const VOCABULARY = 5_000;
const SEED_CONCURRENCY = 10;
const MAX_ITERATIONS = 300;
const MIN_ITERATIONS = 20;

/** Deterministic: the same corpus on every run and in both modes. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = ["ka", "lo", "mi", "ra", "ven", "to", "sul", "bre", "an", "dor", "el", "qui", "nu", "pha", "zet"];
const vocabulary = Array.from({ length: VOCABULARY }, (_, i) => {
  let word = "";
  for (let n = i + SYLLABLES.length; n > 0; n = Math.floor(n / SYLLABLES.length))
    word += SYLLABLES[n % SYLLABLES.length];
  return word;
});
// Zipf: word i is drawn with weight 1 / (i + 1); the first word is in most segments.
const cumulative: number[] = [];
for (let i = 0, sum = 0; i < VOCABULARY; i++) cumulative.push((sum += 1 / (i + 1)));
const total = cumulative.at(-1)!;

function sentence(next: () => number, call: number, segment: number): string {
  const words = Array.from({ length: WORDS_PER_SEGMENT }, () => {
    const target = next() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! < target) low = mid + 1;
      else high = mid;
    }
    return vocabulary[low]!;
  });
  // Planted words: in 1 % of calls a discount on the annual plan, in 5 % a greeting in Hindi.
  if (segment === 3 && call % 100 === 0) words.splice(4, 0, "a", "discount", "on", "the", "annual", "plan");
  if (segment === 1 && call % 20 === 0) words.splice(0, 0, "नमस्ते");
  return `${words.join(" ")}.`;
}

async function seed(store: Store, calls: number) {
  const user = await store.users.findOrCreate({ authUid: "bench-search", email: null, displayName: null });
  const next = random(42);
  const bodies = Array.from({ length: calls }, (_, call) =>
    Array.from({ length: SEGMENTS + 3 }, (_, segment) => sentence(next, call, segment)),
  );
  let done = 0;
  const worker = async () => {
    for (let call = done++; call < calls; call = done++) {
      const text = bodies[call]!;
      const record = await store.calls.insert({
        id: randomUUID(),
        userId: user.id,
        title: `Call ${call}`,
        contactName: `Contact ${call % 500}`,
        contactId: null,
        phoneNumber: null,
        organization: null,
        direction: "OUTGOING",
        recordedAt: null,
        durationSeconds: 300,
        sourceContentType: "audio/wav",
        sourceSizeBytes: 1,
      });
      const segments = text
        .slice(0, SEGMENTS)
        .map((body, i) => ({ id: `seg_${String(i + 1).padStart(4, "0")}`, startSeconds: i * 6.5, text: body }));
      const items = [text[SEGMENTS + 1]!, text[SEGMENTS + 2]!].map((title, i) => ({
        id: `${record.id}-${i}`,
        title,
        description: null,
      }));
      await store.search.replace(
        record.id,
        callSearchDocuments({ segments }, { oneLineSummary: text[SEGMENTS] }, items),
      );
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, worker));
  return user.id;
}

const QUERIES: Array<[string, SearchClause[]]> = [
  ["rare word (1 % of calls)", [{ words: ["discount"], prefix: false }]],
  ["common word (most segments)", [{ words: [vocabulary[0]!], prefix: false }]],
  ['phrase "annual plan"', [{ words: ["annual", "plan"], prefix: false }]],
  [`prefix ${vocabulary[40]!.slice(0, 4)}*`, [{ words: [vocabulary[40]!.slice(0, 4)], prefix: true }]],
  ["Devanagari word (5 % of calls)", [{ words: ["नमस्ते"], prefix: false }]],
  [
    "two words, AND",
    [
      { words: [vocabulary[3]!], prefix: false },
      { words: [vocabulary[7]!], prefix: false },
    ],
  ],
];

/**
 * A fresh store per mode. Seeding only: commits are not flushed to disk (SQLite
 * synchronous=OFF, PostgreSQL synchronous_commit=off), which changes no query's plan or work.
 */
async function openStore(mode: "sqlite" | "postgres"): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (mode === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scryon-bench-search-"));
    const store = openSqliteStore({ file: path.join(dir, "scryon.db") });
    store.sqlite.pragma("synchronous = OFF");
    return {
      store,
      async dispose() {
        await store.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const database = await createTestDatabase("scryon_bench_search");
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query(`ALTER DATABASE "${new URL(database.url).pathname.slice(1)}" SET synchronous_commit = off`);
  await admin.end();
  const store = await openPostgresStore({ url: database.url, maxConnections: SEED_CONCURRENCY });
  return {
    store,
    async dispose() {
      await store.close();
      await database.drop();
    },
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;

export async function benchSearch(argv = process.argv.slice(2)) {
  const { scale, durationSeconds } = benchOptions(argv);
  const calls = Math.max(100, Math.round(FULL_CALLS * scale));
  const budgetMs = (durationSeconds ?? 1.5) * 1000;
  const modeArg = argv.find((arg) => arg.startsWith("--mode="))?.slice("--mode=".length) ?? "both";
  const rows: Array<Array<string | number>> = [];

  for (const mode of (["sqlite", "postgres"] as const).filter((m) => modeArg === "both" || modeArg === m)) {
    const { store, dispose } = await openStore(mode);
    try {
      progress(`${mode}: seeding ${calls.toLocaleString("en-US")} calls`);
      const seedStarted = performance.now();
      const userId = await seed(store, calls);
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      progress(`${mode}: seeded in ${seedSeconds.toFixed(1)} s`);
      for (const [name, clauses] of QUERIES) {
        const query = () =>
          store.search.query(userId, { clauses, limit: 21, after: null, from: null, to: null, contactId: null });
        const hits = (await query()).length; // warm-up
        const samples: number[] = [];
        const started = performance.now();
        while (
          samples.length < MIN_ITERATIONS ||
          (samples.length < MAX_ITERATIONS && performance.now() - started < budgetMs)
        ) {
          const t = performance.now();
          await query();
          samples.push(performance.now() - t);
        }
        samples.sort((a, b) => a - b);
        rows.push([
          mode,
          name,
          Math.min(hits, 20),
          fixed(percentile(samples, 0.5), 2),
          fixed(percentile(samples, 0.99), 2),
          samples.length,
        ]);
      }
      rows.push([mode, `(seed: ${calls.toLocaleString("en-US")} calls)`, "", "", "", `${seedSeconds.toFixed(1)} s`]);
    } finally {
      await dispose();
    }
  }
  printTable(
    `Search: one page of 20 ranked hits with snippets, ${calls.toLocaleString("en-US")} calls (${(calls * (SEGMENTS + 3)).toLocaleString("en-US")} documents), one user`,
    ["mode", "query", "hits", "p50 ms", "p99 ms", "runs"],
    rows,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchSearch();
