/**
 * Read paths under a large database: the status poll and the first list page
 * for a user with N calls among M, each against a bare Fastify route that
 * returns the same bytes (the floor for this machine, measured in the same run).
 *
 *   npx tsx bench/read-paths.ts [--scale 1] [--duration 10] [--profile]
 *
 * `--profile` also samples the server's CPU during each measured run and prints
 * where the time went, by package and by function.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LOCAL_DEV_PRINCIPAL } from "@scryon/api";
import { openSqliteStore } from "@scryon/db";
import { startTestServer } from "@scryon/server/testing";
import Fastify from "fastify";
import { type LoadResult, measureLoad } from "./lib/load";
import { type ProfileSummary, printProfile, profileDuring } from "./lib/profile";
import { benchOptions, fixed, printTable, progress, ratio } from "./lib/report";

const FULL_USER_CALLS = 100_000;
const FULL_TOTAL_CALLS = 1_000_000;
const OTHER_USERS = 200;
const INSERT_BATCH = 20_000;
const STATUSES = ["COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "QUEUED"] as const;

/** Fills the calls table with `total` rows, one in every total/userCalls owned by the local-dev user. */
async function seed(databaseFile: string, userCalls: number, totalCalls: number) {
  const store = openSqliteStore({ file: databaseFile });
  try {
    const me = await store.users.findOrCreate({
      authUid: LOCAL_DEV_PRINCIPAL.authUid,
      email: LOCAL_DEV_PRINCIPAL.email,
      displayName: LOCAL_DEV_PRINCIPAL.displayName,
    });
    const others: Array<{ id: string }> = [];
    for (let i = 0; i < OTHER_USERS; i++)
      others.push(await store.users.findOrCreate({ authUid: `bench-user-${i}`, email: null, displayName: null }));

    // Seeding only: random UUID keys make index inserts random, so a big page cache and no syncs keep this fast.
    store.sqlite.pragma("synchronous = OFF");
    store.sqlite.pragma("cache_size = -262144");
    const insert = store.sqlite.prepare(
      `insert into calls (id, user_id, title, contact_name, direction, recorded_at, duration_seconds, status,
         source_content_type, source_size_bytes, stale_requeues, status_changed_at, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'audio/wav', ?, 0, ?, ?, ?)`,
    );
    const every = totalCalls / userCalls;
    const start = Date.now() - totalCalls * 1000;
    const myIds: string[] = [];
    const insertBatch = store.sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const mine = i % every < 1;
        const id = randomUUID();
        if (mine) myIds.push(id);
        const at = start + i * 1000;
        insert.run(
          id,
          mine ? me.id : others[i % OTHER_USERS]!.id,
          `Call ${i} about the proposal`,
          `Contact ${i % 5000}`,
          i % 2 ? "INCOMING" : "OUTGOING",
          at,
          60 + (i % 3600),
          STATUSES[i % STATUSES.length],
          100_000 + i,
          at,
          at,
          at,
        );
      }
    });
    for (let from = 0; from < totalCalls; from += INSERT_BATCH)
      insertBatch(from, Math.min(from + INSERT_BATCH, totalCalls));
    store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    store.sqlite.exec("analyze");
    return myIds;
  } finally {
    await store.close();
  }
}

async function startBareServer(body: string) {
  const app = Fastify({ logger: false });
  app.get("/", (_request, reply) => reply.type("application/json; charset=utf-8").send(body));
  return { app, url: await app.listen({ port: 0, host: "127.0.0.1" }) };
}

export async function benchReadPaths(argv = process.argv.slice(2)) {
  const { scale, durationSeconds } = benchOptions(argv);
  const userCalls = Math.max(100, Math.round(FULL_USER_CALLS * scale));
  const totalCalls = Math.max(userCalls, Math.round(FULL_TOTAL_CALLS * scale));
  const seconds = durationSeconds ?? 10;
  const profile = argv.includes("--profile");
  const profiles: Array<[string, ProfileSummary]> = [];
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-bench-read-"));
  try {
    progress(`seeding ${totalCalls.toLocaleString("en-US")} calls (${userCalls.toLocaleString("en-US")} for one user)`);
    const seedStarted = performance.now();
    const myIds = await seed(path.join(dataDir, "scryon.db"), userCalls, totalCalls);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const server = await startTestServer({ SCRYON_LOG_LEVEL: "silent", SCRYON_ROLE: "api" }, dataDir);
    try {
      // Fifty ids spread over the user's whole history, not just the newest page.
      const pollIds = Array.from({ length: 50 }, (_, i) => myIds[Math.floor((i * myIds.length) / 50)]!);
      const routes = [
        {
          name: "GET /api/calls/status?ids=<50>",
          url: `${server.url}/api/calls/status?ids=${pollIds.join(",")}`,
          expectItems: 50,
        },
        { name: "GET /api/calls?limit=50", url: `${server.url}/api/calls?limit=50`, expectItems: 50 },
        // No database and no auth: separates the host's per-request cost from the queries'.
        { name: "GET /api/health", url: `${server.url}/api/health`, expectItems: null },
      ];
      const rows: Array<Array<string | number>> = [];
      for (const route of routes) {
        const response = await fetch(route.url);
        const body = await response.text();
        const items = (JSON.parse(body) as { items?: unknown[] }).items?.length ?? null;
        if (response.status !== 200 || items !== route.expectItems)
          throw new Error(
            `${route.name} answered ${response.status} with ${items} items; expected 200 with ${route.expectItems}`,
          );

        const bare = await startBareServer(body);
        try {
          progress(`${route.name}: ${seconds} s against the server, ${seconds} s against the bare route`);
          // A short warm-up first, so the server's figures are not its JIT compiling.
          await measureLoad(route.url, { connections: 10, durationSeconds: 2 });
          const load = () => measureLoad(route.url, { connections: 10, durationSeconds: seconds });
          let measured: LoadResult;
          if (profile) {
            const summary = await profileDuring(async () => {
              measured = await load();
            });
            profiles.push([route.name, summary]);
          }
          measured ??= await load();
          const baseline = await measureLoad(bare.url, { connections: 10, durationSeconds: seconds });
          if (measured.non2xx + measured.errors > 0)
            throw new Error(`${route.name}: ${measured.non2xx} non-2xx, ${measured.errors} errors`);
          rows.push(...tableRows(route.name, body.length, measured, baseline));
        } finally {
          await bare.app.close();
        }
      }
      printTable(
        `Read paths — ${userCalls.toLocaleString("en-US")} calls for the user, ${totalCalls.toLocaleString("en-US")} in the database ` +
          `(scale ${scale}, seeded in ${seedSeconds.toFixed(1)} s); autocannon 10 connections × ${seconds} s; ratio = server / bare Fastify route with the same bytes`,
        [
          "route (response bytes)",
          "req/s",
          "bare req/s",
          "ratio",
          "p50 ms",
          "bare p50",
          "ratio",
          "p99 ms",
          "bare p99",
          "ratio",
        ],
        rows,
      );
      for (const [name, summary] of profiles) printProfile(name, summary);
    } finally {
      await server.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** autocannon reports whole milliseconds; a 0 ms baseline is floored to 1 ms and the ratio shown as a lower bound. */
const latencyRatio = (value: number, baseline: number) =>
  baseline >= 1 ? ratio(value, baseline) : `≥${ratio(value, 1)}`;

function tableRows(name: string, bytes: number, measured: LoadResult, baseline: LoadResult) {
  return [
    [
      `${name} (${bytes} B)`,
      fixed(measured.requestsPerSecond),
      fixed(baseline.requestsPerSecond),
      ratio(measured.requestsPerSecond, baseline.requestsPerSecond),
      measured.p50Ms,
      baseline.p50Ms,
      latencyRatio(measured.p50Ms, baseline.p50Ms),
      measured.p99Ms,
      baseline.p99Ms,
      latencyRatio(measured.p99Ms, baseline.p99Ms),
    ],
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReadPaths();
