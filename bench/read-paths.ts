/**
 * Read paths under a large database, in both modes (SQLite and PostgreSQL): the
 * status poll over REST and tRPC, the first list page for a user with N calls
 * among M, and the health check. Each is compared, in the same run, with a bare
 * Fastify route returning the same bytes (the floor for this machine) and with
 * a bare route running the same SQL on the same database (the limit of this
 * design). With both modes, each runs in a process of its own, as it is deployed.
 *
 *   npx tsx bench/read-paths.ts [--scale 1] [--duration 5] [--mode=sqlite|postgres|both] [--profile]
 *
 * `--profile` also samples the server's CPU during each measured run and prints
 * where the time went, by package and by function.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LOCAL_DEV_PRINCIPAL } from "@scryon/api";
import { callListSql, callStatusesSql, openPostgresStore, openSqliteStore } from "@scryon/db";
import { createTestDatabase } from "@scryon/db/testing";
import { batchedLogDestination } from "@scryon/server";
import { startTestServer } from "@scryon/server/testing";
import Database from "better-sqlite3";
import Fastify from "fastify";
import pg from "pg";
import { type LoadResult, measureLoad } from "./lib/load";
import { type ProfileSummary, printProfile, profileDuring } from "./lib/profile";
import { benchOptions, fixed, printTable, progress } from "./lib/report";

const FULL_USER_CALLS = 100_000;
const FULL_TOTAL_CALLS = 1_000_000;
const OTHER_USERS = 200;
const INSERT_BATCH = 20_000;
/** Measured rounds per route (each: the server, then its baselines). */
const ROUNDS = 3;
const STATUSES = ["COMPLETED", "COMPLETED", "COMPLETED", "FAILED", "QUEUED"] as const;

/**
 * Action items on every other call of the user: a dismissed one first (neither
 * counted nor first on the list) and two live ones, so the list's count and
 * first title are real work. `dialect` supplies the id and time arithmetic.
 */
const actionItemsSeedSql = (id: string, plusMs: (n: string) => string, userParam: string) =>
  `insert into action_items (id, call_id, user_id, title, status, priority, source, created_at, updated_at)
   select ${id}, c.id, c.user_id, case k.n when 0 then 'An idea nobody wanted' else 'Follow up ' || k.n end,
          case k.n when 0 then 'DISMISSED' else 'OPEN' end, 'MEDIUM', 'AI', ${plusMs("k.n")}, ${plusMs("k.n")}
   from calls c cross join (select 0 as n union all select 1 union all select 2) k
   where c.user_id = ${userParam} and cast(c.duration_seconds as integer) % 2 = 0`;

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
    store.sqlite
      .prepare(actionItemsSeedSql("lower(hex(randomblob(16)))", (n) => `c.created_at + ${n}`, "?"))
      .run(me.id);
    store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    store.sqlite.exec("analyze");
    return myIds;
  } finally {
    await store.close();
  }
}

/** The floor for this machine: a bare Fastify route that returns the same bytes. */
async function startBytesBaseline(body: string) {
  const app = Fastify({ logger: false });
  app.get("/", (_request, reply) => reply.type("application/json; charset=utf-8").send(body));
  return { app, url: await app.listen({ port: 0, host: "127.0.0.1" }) };
}

/**
 * The limit of this design: bare Fastify routes that run the statements the
 * store runs for the same request (find the user, then the query) straight on
 * the driver, and answer JSON.stringify of the rows. The list's statements are
 * the stores' own (callListSql and callStatusesSql, packages/db/src/call-list.ts), and the rows become
 * the same objects the store returns (SQLite's times as Dates).
 */
async function startSqlBaseline(database: SqlDatabase, authUid: string) {
  const app = Fastify({ logger: false });
  app.get<{ Querystring: { ids: string } }>("/status", async (request, reply) => {
    const user = await database.user(authUid);
    const ids = request.query.ids.split(",");
    const rows = await database.statuses(user.id, ids);
    const byId = new Map(rows.map((row) => [row.id, row.status]));
    const items = ids.flatMap((callId) => (byId.has(callId) ? [{ callId, status: byId.get(callId) }] : []));
    return reply.type("application/json; charset=utf-8").send(JSON.stringify({ items }));
  });
  app.get("/list", async (_request, reply) => {
    const user = await database.user(authUid);
    const rows = await database.list(user.id, 51);
    return reply.type("application/json; charset=utf-8").send(JSON.stringify({ items: rows.slice(0, 50) }));
  });
  return { app, url: await app.listen({ port: 0, host: "127.0.0.1" }) };
}

interface SqlDatabase {
  user(authUid: string): Promise<{ id: string }>;
  statuses(userId: string, ids: string[]): Promise<Array<{ id: string; status: string }>>;
  list(userId: string, limit: number): Promise<unknown[]>;
  close(): Promise<void>;
}

function sqliteDatabase(file: string): SqlDatabase {
  const sqlite = new Database(file, { readonly: true });
  const user = sqlite.prepare("select * from users where auth_uid = ?");
  const statuses = sqlite.prepare(callStatusesSql("in (select value from json_each(?))", "?"));
  const page = sqlite.prepare<unknown[], { createdAt: number }>(callListSql.page(() => "?", false));
  return {
    user: async (authUid) => user.get(authUid) as { id: string },
    statuses: async (userId, ids) => statuses.all(JSON.stringify(ids), userId) as Array<{ id: string; status: string }>,
    list: async (userId, limit) =>
      page
        .all(userId, Number.MAX_SAFE_INTEGER, "", limit)
        .map((call) => ({ ...call, createdAt: new Date(call.createdAt) })),
    close: async () => void sqlite.close(),
  };
}

function postgresDatabase(url: string): SqlDatabase {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  const one = async <T>(name: string, text: string, values: unknown[]) =>
    (await pool.query<T & pg.QueryResultRow>({ name, text, values })).rows;
  return {
    user: async (authUid) =>
      (await one<{ id: string }>("user", "select * from users where auth_uid = $1", [authUid]))[0]!,
    statuses: (userId, ids) => one("statuses", callStatusesSql("= any($1::text[])", "$2"), [ids, userId]),
    list: (userId, limit) =>
      one(
        "list",
        callListSql.page((n) => `$${n}`, false),
        [userId, new Date("9999-12-31T23:59:59.999Z"), "", limit],
      ),
    close: () => pool.end(),
  };
}

/** The same data as the SQLite seed, written by PostgreSQL itself (generate_series), then analysed. */
async function seedPostgres(url: string, userCalls: number, totalCalls: number): Promise<string[]> {
  const store = await openPostgresStore({ url });
  try {
    await store.users.findOrCreate({
      authUid: LOCAL_DEV_PRINCIPAL.authUid,
      email: LOCAL_DEV_PRINCIPAL.email,
      displayName: LOCAL_DEV_PRINCIPAL.displayName,
    });
    for (let i = 0; i < OTHER_USERS; i++)
      await store.users.findOrCreate({ authUid: `bench-user-${i}`, email: null, displayName: null });
  } finally {
    await store.close();
  }
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const { rows: users } = await pool.query<{ id: string; auth_uid: string }>("select id, auth_uid from users");
    const me = users.find((u) => u.auth_uid === LOCAL_DEV_PRINCIPAL.authUid)!.id;
    const others = users.filter((u) => u.id !== me).map((u) => u.id);
    const every = totalCalls / userCalls;
    const start = Date.now() - totalCalls * 1000;
    await pool.query(
      `insert into calls (id, user_id, title, contact_name, direction, recorded_at, duration_seconds, status,
         source_content_type, source_size_bytes, stale_requeues, status_changed_at, created_at, updated_at)
       select gen_random_uuid()::text,
              case when i % $1 = 0 then $2 else ($3::text[])[(i % $4) + 1] end,
              'Call ' || i || ' about the proposal', 'Contact ' || (i % 5000),
              case when i % 2 = 1 then 'INCOMING' else 'OUTGOING' end,
              to_timestamp(($5::bigint + i * 1000) / 1000.0), 60 + (i % 3600),
              (array['COMPLETED','COMPLETED','COMPLETED','FAILED','QUEUED'])[(i % 5) + 1],
              'audio/wav', 100000 + i, 0,
              to_timestamp(($5::bigint + i * 1000) / 1000.0), to_timestamp(($5::bigint + i * 1000) / 1000.0), to_timestamp(($5::bigint + i * 1000) / 1000.0)
       from generate_series(0, $6 - 1) as i`,
      [every, me, others, others.length, start, totalCalls],
    );
    await pool.query(
      actionItemsSeedSql("gen_random_uuid()::text", (n) => `c.created_at + ${n} * interval '1 millisecond'`, "$1"),
      [me],
    );
    // Vacuumed as autovacuum would leave it, so no vacuum of the seed runs during the measurements.
    await pool.query("vacuum analyze");
    const { rows } = await pool.query<{ id: string }>("select id from calls where user_id = $1 order by created_at", [
      me,
    ]);
    return rows.map((row) => row.id);
  } finally {
    await pool.end();
  }
}

interface Route {
  name: string;
  url: string;
  expectItems: number | null;
  /** The same-SQL baseline for this route, if it touches the database. */
  sqlUrl?: string;
}

async function measureRoute(route: Route, seconds: number, profiles: Array<[string, ProfileSummary]> | null) {
  const response = await fetch(route.url);
  const body = await response.text();
  const parsed = JSON.parse(body) as { items?: unknown[]; result?: { data?: { items?: unknown[] } } };
  const items = (parsed.items ?? parsed.result?.data?.items)?.length ?? null;
  if (response.status !== 200 || items !== route.expectItems)
    throw new Error(
      `${route.name} answered ${response.status} with ${items} items; expected 200 with ${route.expectItems}`,
    );

  const bytes = await startBytesBaseline(body);
  try {
    progress(`${route.name}: ${ROUNDS} rounds of ${seconds} s against the server and each baseline, interleaved`);
    // A short warm-up first, so the server's figures are not its JIT compiling.
    await measureLoad(route.url, { connections: 10, durationSeconds: 2 });
    if (route.sqlUrl) await measureLoad(route.sqlUrl, { connections: 10, durationSeconds: 1 });
    // The server and both baselines live in this process and autocannon in its own, so this process's CPU
    // time over a run, per request, is what one request cost whichever of them served it: a steadier figure
    // than req/s on a shared machine, where the load generator competes for the same two cores.
    const load = async (url: string): Promise<LoadResult & { cpuMicros: number }> => {
      const before = process.cpuUsage();
      const result = await measureLoad(url, { connections: 10, durationSeconds: seconds });
      const used = process.cpuUsage(before);
      return { ...result, cpuMicros: (used.user + used.system) / Math.max(1, result.requests) };
    };
    // Rounds alternate server and baselines, so a neighbour's burst of load on this shared
    // machine lands on both sides of a ratio; each figure is the median over the rounds.
    type Measured = Awaited<ReturnType<typeof load>>;
    const rounds: Array<{ measured: Measured; bytesBaseline: Measured; sqlBaseline: Measured | null }> = [];
    for (let round = 0; round < ROUNDS; round++) {
      let measured: Measured | undefined;
      if (profiles && round === 0) {
        const summary = await profileDuring(async () => {
          measured = await load(route.url);
        });
        profiles.push([route.name, summary]);
      }
      measured ??= await load(route.url);
      const sqlBaseline = route.sqlUrl ? await load(route.sqlUrl) : null;
      const bytesBaseline = await load(bytes.url);
      for (const result of [measured, bytesBaseline, sqlBaseline])
        if (result && result.non2xx + result.errors > 0)
          throw new Error(`${route.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      rounds.push({ measured, bytesBaseline, sqlBaseline });
    }
    return { bytes: body.length, rounds };
  } finally {
    await bytes.app.close();
  }
}

export async function benchReadPaths(argv = process.argv.slice(2)) {
  const modeArg = argv.find((arg) => arg.startsWith("--mode="))?.slice("--mode=".length) ?? "both";
  const modes = (["sqlite", "postgres"] as const).filter((mode) => modeArg === "both" || modeArg === mode);
  if (modes.length === 0) throw new Error(`--mode must be sqlite, postgres or both, not ${modeArg}`);
  if (modes.length === 1) return benchMode(modes[0]!, argv);
  // Each mode in a process of its own, as each is deployed: measured in the process that had just run the
  // SQLite mode, PostgreSQL's figures carried that run's heap and compiled code (the status poll at 796 req/s
  // there and 2,779 in a process of its own, scale 1).
  for (const mode of modes)
    await runInOwnProcess([...argv.filter((arg) => !arg.startsWith("--mode=")), `--mode=${mode}`]);
}

async function benchMode(mode: "sqlite" | "postgres", argv: string[]) {
  const { scale, durationSeconds } = benchOptions(argv);
  const userCalls = Math.max(100, Math.round(FULL_USER_CALLS * scale));
  const totalCalls = Math.max(userCalls, Math.round(FULL_TOTAL_CALLS * scale));
  const seconds = durationSeconds ?? 2;
  const profiles: Array<[string, ProfileSummary]> | null = argv.includes("--profile") ? [] : null;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-bench-read-"));
  const pgDatabase = mode === "postgres" ? await createTestDatabase("scryon_bench_read") : null;
  try {
    progress(
      `${mode}: seeding ${totalCalls.toLocaleString("en-US")} calls (${userCalls.toLocaleString("en-US")} for one user)`,
    );
    const seedStarted = performance.now();
    const myIds = pgDatabase
      ? await seedPostgres(pgDatabase.url, userCalls, totalCalls)
      : await seed(path.join(dataDir, "scryon.db"), userCalls, totalCalls);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // The server as deployed: the default log level (a line per request), written as `npm start` writes stdout
    // (batchedLogDestination) but to /dev/null.
    const server = await startTestServer(
      { SCRYON_LOG_LEVEL: "info", SCRYON_ROLE: "api", ...(pgDatabase && { DATABASE_URL: pgDatabase.url }) },
      dataDir,
      { logDestination: batchedLogDestination("/dev/null") },
    );
    const database = pgDatabase ? postgresDatabase(pgDatabase.url) : sqliteDatabase(path.join(dataDir, "scryon.db"));
    const sql = await startSqlBaseline(database, LOCAL_DEV_PRINCIPAL.authUid);
    try {
      // Fifty ids spread over the user's whole history, not just the newest page.
      const pollIds = Array.from({ length: 50 }, (_, i) => myIds[Math.floor((i * myIds.length) / 50)]!);
      const trpcInput = (input: unknown) => encodeURIComponent(JSON.stringify(input));
      const routes: Route[] = [
        {
          name: "GET /api/calls/status?ids=<50>",
          url: `${server.url}/api/calls/status?ids=${pollIds.join(",")}`,
          sqlUrl: `${sql.url}/status?ids=${pollIds.join(",")}`,
          expectItems: 50,
        },
        {
          name: "GET /trpc/calls.status (50 ids)",
          url: `${server.url}/trpc/calls.status?input=${trpcInput({ ids: pollIds })}`,
          sqlUrl: `${sql.url}/status?ids=${pollIds.join(",")}`,
          expectItems: 50,
        },
        {
          name: "GET /api/calls?limit=50",
          url: `${server.url}/api/calls?limit=50`,
          sqlUrl: `${sql.url}/list`,
          expectItems: 50,
        },
        // No database and no auth: separates the host's per-request cost from the queries'.
        { name: "GET /api/health", url: `${server.url}/api/health`, expectItems: null },
      ];
      const results: RouteResult[] = [];
      for (const route of routes) results.push(await measureRoute(route, seconds, profiles));
      printTable(
        `Read paths, ${mode} — ${userCalls.toLocaleString("en-US")} calls for the user, ${totalCalls.toLocaleString("en-US")} in the database ` +
          `(scale ${scale}, seeded in ${seedSeconds.toFixed(1)} s); server logging at info; autocannon 10 connections, ${ROUNDS} interleaved rounds × ${seconds} s, medians; ` +
          "ratios (median of the rounds' ratios): server ÷ a bare route returning the same bytes, and ÷ a bare route running the same SQL; " +
          "CPU µs/req: this process's CPU time per request served, for the server and each baseline",
        [
          "route (response bytes)",
          "req/s",
          "÷ bytes",
          "÷ SQL",
          "p50 ms",
          "p99 ms",
          "SQL req/s",
          "SQL p50",
          "SQL p99",
          "bytes req/s",
          "bytes p99",
          "CPU µs/req",
          "SQL CPU",
          "bytes CPU",
        ],
        routes.map((route, i) => tableRow(route.name, results[i]!)),
      );
      // The two status polls (the first two routes) ran in rounds of their own, each against the same SQL
      // baseline: their ratios to it compare them with the machine's drift between the two taken out.
      const [restPoll, trpcPoll] = [results[0]!, results[1]!];
      console.log(
        `tRPC status poll ÷ REST status poll (each ÷ the same SQL): ${(sqlRatio(trpcPoll) / sqlRatio(restPoll)).toFixed(2)}×`,
      );
      if (profiles) for (const [name, summary] of profiles.splice(0)) printProfile(`${mode}: ${name}`, summary);
    } finally {
      await sql.app.close();
      await database.close();
      await server.stop();
    }
  } finally {
    await fs.rm(dataDir, { recursive: true, force: true });
    await pgDatabase?.drop();
  }
}

function runInOwnProcess(argv: string[]): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), ...argv], {
    stdio: "inherit",
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`read paths (${argv.join(" ")}) exited with ${signal ?? code}`)),
    );
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

type RouteResult = Awaited<ReturnType<typeof measureRoute>>;

/** The server's req/s ÷ the same-SQL baseline's, the median over the rounds. */
const sqlRatio = (result: RouteResult) =>
  median(result.rounds.map((r) => r.measured.requestsPerSecond / r.sqlBaseline!.requestsPerSecond));

function tableRow(name: string, result: RouteResult): Array<string | number> {
  const { rounds } = result;
  const of = (pick: (round: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  const hasSql = rounds[0]!.sqlBaseline !== null;
  const times = (value: number) => `${value.toFixed(2)}×`;
  return [
    `${name} (${result.bytes} B)`,
    fixed(of((r) => r.measured.requestsPerSecond)),
    times(of((r) => r.measured.requestsPerSecond / r.bytesBaseline.requestsPerSecond)),
    hasSql ? times(sqlRatio(result)) : "—",
    of((r) => r.measured.p50Ms),
    of((r) => r.measured.p99Ms),
    hasSql ? fixed(of((r) => r.sqlBaseline!.requestsPerSecond)) : "—",
    hasSql ? of((r) => r.sqlBaseline!.p50Ms) : "—",
    hasSql ? of((r) => r.sqlBaseline!.p99Ms) : "—",
    fixed(of((r) => r.bytesBaseline.requestsPerSecond)),
    of((r) => r.bytesBaseline.p99Ms),
    of((r) => r.measured.cpuMicros).toFixed(0),
    hasSql ? of((r) => r.sqlBaseline!.cpuMicros).toFixed(0) : "—",
    of((r) => r.bytesBaseline.cpuMicros).toFixed(0),
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await benchReadPaths();
