import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLiveClient,
  createScaleOutBackend,
  fixture,
  REPO_ROOT,
  startFakeTranscriptionServer,
  uploadFile,
} from "./harness";

/**
 * Scale-out with real processes: API and worker binaries (`npm start`'s entry
 * point) sharing one PostgreSQL database (store + pg-boss) and one S3 bucket.
 * Runs only in the server-scale-out vitest project (file name *.scale-out.test.ts).
 */

/** 200 in the acceptance run (SCALE_TEST_UPLOADS=200); fewer by default to keep `npm test` short on a 2-core box. */
const UPLOADS = Number(process.env.SCALE_TEST_UPLOADS ?? 60);
/**
 * pg-boss expires a dead worker's job after the stale timeout (12 s here) and sweeps every 6 s.
 * Shorter would expire jobs the tests hold on purpose (a slow provider looks like a dead worker).
 */
const STALE_TIMEOUT_MINUTES = "0.2";
/** Both APIs see every upload from one address. */
const NO_UPLOAD_RATE_LIMIT = { SCRYON_UPLOAD_RATE_LIMIT_PER_MINUTE: "100000" };

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

interface ScryonProcess {
  url: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** One Scryon process; an API (or all-in-one) process is ready once /api/health answers. */
async function startProcess(role: "api" | "worker" | "all", env: Record<string, string>): Promise<ScryonProcess> {
  const port = await freePort();
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), `scryon-${role}-`));
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...env,
      SCRYON_ROLE: role,
      SCRYON_DATA_DIR: dataDir,
      PORT: String(port),
      SCRYON_LOG_LEVEL: "warn",
      NODE_NO_WARNINGS: "1",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  void exited.then(() => fs.rm(dataDir, { recursive: true, force: true }));
  const url = `http://127.0.0.1:${port}`;
  if (role !== "worker") {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`${role} process exited with ${child.exitCode}`);
      if (
        await fetch(`${url}/api/health`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      if (i > 600) throw new Error(`${role} process did not start`);
      await sleep(100);
    }
  }
  return { url, child, exited };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function kill(processes: ScryonProcess[], signal: NodeJS.Signals): Promise<void> {
  await Promise.all(
    processes.map((p) => {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill(signal);
      return p.exited;
    }),
  );
}

/** Uploads `count` recordings, round-robin over the APIs, a few at a time. */
async function uploadMany(apis: ScryonProcess[], count: number, concurrency = 8): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const api = apis[index % apis.length]!;
        const upload = await uploadFile(api.url, fixture("audio", "tone.wav"), {
          metadata: { title: `call ${index}` },
        });
        expect(upload.status).toBe(202);
        ids.push(upload.body.callId as string);
      }
    }),
  );
  return ids;
}

async function statusCounts(db: pg.Pool, ids: string[]): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string; n: number }>(
    "SELECT status, count(*)::int AS n FROM calls WHERE id = ANY($1) GROUP BY status",
    [ids],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

async function waitForAll(db: pg.Pool, ids: string[], status: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await statusCounts(db, ids);
    if (counts[status] === ids.length) return;
    if (Date.now() > deadline) throw new Error(`not all ${status}: ${JSON.stringify(counts)}`);
    await sleep(250);
  }
}

/**
 * A call turns COMPLETED inside its job; pg-boss marks the job completed a moment
 * later, after the handler returns. Assertions on job state wait for that state.
 */
async function waitForCompletedJobs(db: pg.Pool, ids: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(DISTINCT singleton_key)::int AS n FROM pgboss.job WHERE name = 'call.process' AND singleton_key = ANY($1) AND state = 'completed'",
      [ids],
    );
    if (rows[0]!.n === ids.length) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${ids.length} jobs completed`);
    await sleep(250);
  }
}

/** What each call left behind, straight from PostgreSQL. */
async function resultsOf(db: pg.Pool, ids: string[]) {
  const one = async (sql: string) => (await db.query<{ id: string; n: number }>(sql, [ids])).rows;
  return {
    analysisArtifacts: await one(
      "SELECT c.id, count(a.call_id)::int AS n FROM calls c LEFT JOIN call_artifacts a ON a.call_id = c.id AND a.type = 'ANALYSIS_JSON' WHERE c.id = ANY($1) GROUP BY c.id",
    ),
    aiActionItems: await one(
      "SELECT c.id, count(i.id)::int AS n FROM calls c LEFT JOIN action_items i ON i.call_id = c.id AND i.source = 'AI' WHERE c.id = ANY($1) GROUP BY c.id",
    ),
    duplicateActionItems: await one(
      "SELECT call_id AS id, count(*)::int AS n FROM action_items WHERE call_id = ANY($1) GROUP BY call_id, title HAVING count(*) > 1",
    ),
    completedEventsPerStage: await one(
      "SELECT call_id || ' ' || stage AS id, count(*)::int AS n FROM processing_events WHERE call_id = ANY($1) AND status <> 'FAILED' GROUP BY call_id, stage",
    ),
    jobRuns: await one(
      "SELECT singleton_key AS id, (count(*) FILTER (WHERE state = 'completed'))::int AS n FROM pgboss.job WHERE name = 'call.process' AND singleton_key = ANY($1) GROUP BY singleton_key",
    ),
  };
}

describe("2 API processes and 3 worker processes on one PostgreSQL and one bucket", () => {
  let backend: Awaited<ReturnType<typeof createScaleOutBackend>>;
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  let db: pg.Pool;
  const apis: ScryonProcess[] = [];
  const workers: ScryonProcess[] = [];

  beforeAll(async () => {
    backend = await createScaleOutBackend();
    transcription = await startFakeTranscriptionServer();
    db = new pg.Pool({ connectionString: backend.env.DATABASE_URL, max: 2 });
    const env = {
      ...backend.env,
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      SCRYON_STALE_JOB_TIMEOUT_MINUTES: STALE_TIMEOUT_MINUTES,
      SCRYON_SWEEP_INTERVAL_SECONDS: "3600",
      SCRYON_WORKER_CONCURRENCY: "2",
      ...NO_UPLOAD_RATE_LIMIT,
    };
    // One API first: it migrates the database; the rest start together (migrations run under an advisory lock anyway).
    apis.push(await startProcess("api", env));
    const rest = await Promise.all([startProcess("api", env), ...[0, 1, 2].map(() => startProcess("worker", env))]);
    apis.push(rest[0]!);
    workers.push(...rest.slice(1));
  }, 120_000);
  afterAll(async () => {
    await kill([...apis, ...workers], "SIGKILL");
    await db?.end();
    await transcription?.close();
    await backend?.drop();
  });

  it(
    `completes ${UPLOADS} uploads spread over both APIs exactly once each`,
    async () => {
      const started = Date.now();
      const ids = await uploadMany(apis, UPLOADS);
      await waitForAll(db, ids, "COMPLETED", Math.max(60_000, UPLOADS * 1000));
      await waitForCompletedJobs(db, ids, 60_000);
      console.log(
        `scale-out: ${ids.length} calls through 2 APIs and 3 workers in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );

      const results = await resultsOf(db, ids);
      expect(results.analysisArtifacts.filter((r) => r.n !== 1)).toEqual([]);
      expect(results.duplicateActionItems).toEqual([]);
      // The same recording and transcript each time, so every call has the same AI items.
      expect(new Set(results.aiActionItems.map((r) => r.n)).size).toBe(1);
      expect(results.completedEventsPerStage.filter((r) => r.n !== 1)).toEqual([]);
      expect(new Set(results.completedEventsPerStage.map((r) => r.id.split(" ")[0])).size).toBe(ids.length);
      // One job per call, run to completion once.
      expect(results.jobRuns.filter((r) => r.n !== 1)).toEqual([]);
      expect(results.jobRuns).toHaveLength(ids.length);
    },
    60_000 + UPLOADS * 1500,
  );

  it("pushes live status from the worker processes to a subscriber on another API process", async () => {
    const client = createLiveClient(apis[1]!.url);
    const changes: Array<{ callId: string; status: string }> = [];
    const subscription = client.calls.statusChanges.subscribe(undefined, {
      onData: (change) => void changes.push(change),
    });
    try {
      await sleep(500); // the stream is open
      const upload = await uploadFile(apis[0]!.url, fixture("audio", "tone.wav")); // through the other API
      expect(upload.status).toBe(202);
      const mine = () => changes.filter((c) => c.callId === upload.body.callId).map((c) => c.status);
      for (let i = 0; i < 300 && !mine().includes("COMPLETED"); i++) await sleep(100);
      expect(mine()).toEqual(["TRANSCRIBING", "ANALYZING", "COMPLETED"]);
    } finally {
      subscription.unsubscribe();
    }
  }, 60_000);

  it("finishes the calls of a worker SIGKILLed mid-batch on the other workers", async () => {
    const verbose = JSON.parse(await fs.readFile(fixture("audio", "sample.verbose.json"), "utf8"));
    const held: Array<() => void> = [];
    let holding = true;
    transcription.answerWith(() =>
      holding
        ? new Promise((resolve) => held.push(() => resolve({ status: 200, body: verbose })))
        : Promise.resolve({ status: 200, body: verbose }),
    );
    const ids = await uploadMany(apis, 20);
    // Every worker slot (3 workers × concurrency 2) is now inside a transcription request.
    for (let i = 0; i < 300 && held.length < 6; i++) await sleep(100);
    expect(held.length).toBe(6);

    const victim = workers[0]!;
    victim.child.kill("SIGKILL");
    await victim.exited;
    const killedAt = Date.now();
    holding = false;
    for (const release of held) release();

    // The survivors answer their held calls at once; the victim's two stay TRANSCRIBING until
    // pg-boss expires their jobs, which another worker then runs again (retry_count 1).
    await waitForAll(db, ids, "COMPLETED", 90_000);
    await waitForCompletedJobs(db, ids, 60_000);
    const { rows: rerun } = await db.query<{ id: string }>(
      "SELECT singleton_key AS id FROM pgboss.job WHERE name = 'call.process' AND singleton_key = ANY($1) AND state = 'completed' AND retry_count >= 1",
      [ids],
    );
    console.log(
      `scale-out: the SIGKILLed worker's ${rerun.length} calls completed by the other workers ${((Date.now() - killedAt) / 1000).toFixed(1)} s after the kill`,
    );
    expect(rerun).toHaveLength(2);

    const results = await resultsOf(db, ids);
    expect(results.analysisArtifacts.filter((r) => r.n !== 1)).toEqual([]);
    expect(results.duplicateActionItems).toEqual([]);
    expect(new Set(results.aiActionItems.map((r) => r.n)).size).toBe(1);
  }, 120_000);
});

/** A real HTTP server speaking OpenAI chat completions whose answers can be held back. */
async function startHoldingLlmServer() {
  const held: Array<() => void> = [];
  let holding = true;
  const answer = {
    schemaVersion: 3,
    callType: "sales",
    oneLineSummary: "Short test recording.",
    actionItems: [
      {
        title: "Send the revised proposal",
        ownerSpeakerId: "spk_1",
        priority: "medium",
        intent: "email",
        sourceSegmentIds: [],
      },
    ],
  };
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const reply = () =>
        res.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify({
            id: "chatcmpl-test",
            object: "chat.completion",
            created: 1780000000,
            model: "gpt-4o-mini",
            choices: [
              {
                index: 0,
                message: { role: "assistant", content: JSON.stringify(answer), refusal: null },
                logprobs: null,
                finish_reason: "stop",
              },
            ],
            usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
          }),
        );
      if (holding) held.push(reply);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/v1`,
    held,
    release() {
      holding = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe("pg-boss mode: the whole system stopped with calls in every non-terminal state, then started again", () => {
  let backend: Awaited<ReturnType<typeof createScaleOutBackend>>;
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  let llm: Awaited<ReturnType<typeof startHoldingLlmServer>>;
  let db: pg.Pool;
  const processes: ScryonProcess[] = [];

  beforeAll(async () => {
    backend = await createScaleOutBackend();
    transcription = await startFakeTranscriptionServer();
    llm = await startHoldingLlmServer();
    db = new pg.Pool({ connectionString: backend.env.DATABASE_URL, max: 2 });
  });
  afterAll(async () => {
    await kill(processes, "SIGKILL");
    await db?.end();
    await llm?.close();
    await transcription?.close();
    await backend?.drop();
  });

  it("finishes QUEUED, TRANSCRIBING and ANALYZING calls after kill -9 of the API and the worker", async () => {
    const verbose = JSON.parse(await fs.readFile(fixture("audio", "sample.verbose.json"), "utf8"));
    // The first transcription is held (a call frozen in TRANSCRIBING); the rest pass and hang in the LLM (ANALYZING).
    let transcriptions = 0;
    let holdingTranscription = true;
    transcription.answerWith(() =>
      transcriptions++ === 0 && holdingTranscription
        ? new Promise(() => undefined)
        : Promise.resolve({ status: 200, body: verbose }),
    );
    const env = {
      ...backend.env,
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
      LLM_BASE_URL: llm.baseURL,
      LLM_API_KEY: "k",
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      // The held provider calls must not expire while the test sets the scene.
      SCRYON_STALE_JOB_TIMEOUT_MINUTES: "0.35",
      SCRYON_SWEEP_INTERVAL_SECONDS: "3600",
      SCRYON_WORKER_CONCURRENCY: "2",
    };
    const api = await startProcess("api", env);
    const worker = await startProcess("worker", env);
    processes.push(api, worker);

    const ids: string[] = [];
    ids.push(...(await uploadMany([api], 1, 1)));
    for (let i = 0; i < 300 && transcriptions < 1; i++) await sleep(100);
    ids.push(...(await uploadMany([api], 1, 1)));
    for (let i = 0; i < 300 && llm.held.length < 1; i++) await sleep(100);
    ids.push(...(await uploadMany([api], 1, 1)));
    await sleep(500); // both worker slots are busy: the third call stays queued
    expect(await statusCounts(db, ids)).toEqual({ QUEUED: 1, TRANSCRIBING: 1, ANALYZING: 1 });

    await kill([api, worker], "SIGKILL");
    holdingTranscription = false;
    llm.release();

    const restarted = await Promise.all([startProcess("api", env), startProcess("worker", env)]);
    processes.push(...restarted);
    await waitForAll(db, ids, "COMPLETED", 60_000);
    const results = await resultsOf(db, ids);
    expect(results.analysisArtifacts.map((r) => r.n)).toEqual([1, 1, 1]);
    expect(results.duplicateActionItems).toEqual([]);
    expect(results.aiActionItems.map((r) => r.n)).toEqual([1, 1, 1]);

    await kill(restarted, "SIGTERM");
    expect(await Promise.all(restarted.map((p) => p.exited))).toEqual([0, 0]); // graceful shutdown
  }, 120_000);
});
