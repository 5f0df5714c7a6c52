/**
 * Calls per second processed by 1, 2 and 3 worker processes (SCRYON_ROLE=worker)
 * on PostgreSQL + pg-boss, with instant providers: a local OpenAI-protocol
 * transcription server that answers at once, the offline analyser and no
 * preprocessing. What is measured is Scryon's own per-call cost: queue, store,
 * storage and the pure pipeline stages.
 *
 *   npx tsx bench/scale-out.ts            (BENCH_CALLS=150 by default)
 *
 * Each run gets a fresh database; the calls are uploaded first, then the workers
 * start, and the clock runs from the first call leaving QUEUED to the last COMPLETED.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createTestDatabase } from "@scryon/db/testing";
import pg from "pg";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CALLS = Number(process.env.BENCH_CALLS ?? 150);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startInstantTranscription(): Promise<{ baseURL: string; close(): void }> {
  const answer = await fs.readFile(path.join(ROOT, "fixtures/audio/sample.verbose.json"));
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end(answer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { baseURL: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`, close: () => server.close() };
}

function startScryon(role: "api" | "worker", env: Record<string, string>, port: number): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...env,
      SCRYON_ROLE: role,
      PORT: String(port),
      SCRYON_LOG_LEVEL: "warn",
      NODE_NO_WARNINGS: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

async function stop(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null) return undefined;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
}

async function run(
  workerCount: number,
  transcriptionURL: string,
): Promise<{ seconds: number; callsPerSecond: number }> {
  const database = await createTestDatabase("scryon_bench");
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-bench-"));
  const env = {
    DATABASE_URL: database.url,
    SCRYON_DATA_DIR: dataDir,
    TRANSCRIPTION_BASE_URL: transcriptionURL,
    TRANSCRIPTION_API_KEY: "k",
    SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
    SCRYON_UPLOAD_RATE_LIMIT_PER_MINUTE: "1000000",
    SCRYON_SWEEP_INTERVAL_SECONDS: "3600",
  };
  const children: ChildProcess[] = [];
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const port = await freePort();
    children.push(startScryon("api", env, port));
    const url = `http://127.0.0.1:${port}`;
    while (
      !(await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      ))
    )
      await sleep(100);

    const audio = await fs.readFile(path.join(ROOT, "fixtures/audio/tone.wav"));
    for (let i = 0; i < CALLS; i++) {
      const form = new FormData();
      form.append("file", new Blob([audio]), "tone.wav");
      const response = await fetch(`${url}/api/calls/analyze`, { method: "POST", body: form });
      if (response.status !== 202) throw new Error(`upload answered ${response.status}`);
    }

    for (let i = 0; i < workerCount; i++) children.push(startScryon("worker", env, await freePort()));
    const count = async (sql: string) => (await db.query<{ n: number }>(sql)).rows[0]!.n;
    while ((await count("SELECT count(*)::int AS n FROM calls WHERE status <> 'QUEUED'")) === 0) await sleep(20);
    const started = performance.now();
    while ((await count("SELECT count(*)::int AS n FROM calls WHERE status IN ('COMPLETED', 'FAILED')")) < CALLS)
      await sleep(50);
    const seconds = (performance.now() - started) / 1000;
    const failed = await count("SELECT count(*)::int AS n FROM calls WHERE status = 'FAILED'");
    if (failed > 0) throw new Error(`${failed} calls FAILED`);
    return { seconds, callsPerSecond: CALLS / seconds };
  } finally {
    await stop(children);
    await db.end();
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

const transcription = await startInstantTranscription();
const rows: string[] = [];
try {
  for (const workers of [1, 2, 3]) {
    const { seconds, callsPerSecond } = await run(workers, transcription.baseURL);
    rows.push(`| ${workers} | ${CALLS} | ${seconds.toFixed(1)} | ${callsPerSecond.toFixed(1)} |`);
    console.error(`${workers} worker(s): ${callsPerSecond.toFixed(1)} calls/s`);
  }
} finally {
  transcription.close();
}
console.log(
  `\nScale-out: calls processed per second by worker processes (concurrency 2 each, PostgreSQL + pg-boss, local storage, ${os.cpus().length} CPUs)\n`,
);
console.log(`| workers | calls | seconds | calls/s |\n|---|---|---|---|\n${rows.join("\n")}`);
