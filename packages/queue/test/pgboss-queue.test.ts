import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createPgBossQueue,
  createSqliteQueue,
  DeferJob,
  deadLetterQueueName,
  type Job,
  type JobQueue,
  type PgBossQueueOptions,
} from "../src/index";
import { freshSchema, TEST_POSTGRES_URL } from "./postgres";

const here = path.dirname(fileURLToPath(import.meta.url));

describe("pg-boss queue", () => {
  let schema: string;
  let dropSchema: () => Promise<void>;
  const open: JobQueue[] = [];

  beforeAll(async () => {
    ({ schema, drop: dropSchema } = await freshSchema("scryon_queue"));
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((queue) => queue.stop({ timeoutMs: 1000 })));
  });
  afterAll(async () => {
    await dropSchema?.();
  });

  const fastRetries = { retryDelayMs: 0, retryBackoff: false } as const;
  const newQueue = (overrides: Partial<PgBossQueueOptions> = {}) => {
    const queue = createPgBossQueue({ connectionString: TEST_POSTGRES_URL, schema, pollIntervalMs: 500, ...overrides });
    open.push(queue);
    return queue;
  };
  const queueName = () => `test-${randomUUID().slice(0, 8)}`;

  const waitFor = async (condition: () => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const jobState = async (id: string): Promise<string | undefined> => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ state: string }>(`SELECT state FROM "${schema}".job WHERE id = $1`, [id]);
      return rows[0]?.state;
    } finally {
      await client.end();
    }
  };

  it("delivers every sent job once, with its id, name and data", async () => {
    const queue = newQueue();
    const name = queueName();
    await queue.start();
    const seen: Job[] = [];
    await queue.work(name, { concurrency: 2 }, async (job) => {
      seen.push(job);
    });
    const ids = await Promise.all([1, 2, 3, 4, 5].map((n) => queue.send(name, { n })));
    await waitFor(() => seen.length === 5);
    await sleep(600);
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((j) => j.id))).toEqual(new Set(ids));
    for (const job of seen) expect(job).toMatchObject({ name, retryCount: 0 });
    expect(seen.map((j) => j.data.n).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it("a deferred job runs again after its run-at, without spending a retry, and only then records the deferral", async () => {
    await expectDeferral(newQueue());
  });

  it("sends work before start() (API-only processes never start workers)", async () => {
    const name = queueName();
    const sender = newQueue();
    const id = await sender.send(name, { from: "api" });
    expect(id).toEqual(expect.any(String));

    const worker = newQueue();
    await worker.start();
    const seen: string[] = [];
    await worker.work(name, { concurrency: 1 }, async (job) => {
      seen.push(job.id);
    });
    await waitFor(() => seen.length === 1);
    expect(seen).toEqual([id]);
  });

  it("singleton key: at most one waiting and one running job per key, never two at once", async () => {
    const queue = newQueue();
    const name = queueName();
    const first = await queue.send(name, { attempt: 1 }, { singletonKey: "call-1" });
    expect(first).not.toBeNull();
    expect(await queue.send(name, { attempt: 2 }, { singletonKey: "call-1" })).toBeNull();
    // Other keys and key-less jobs are independent.
    expect(await queue.send(name, { other: true }, { singletonKey: "call-2" })).not.toBeNull();

    let running = 0;
    let maxRunningForKey = 0;
    const started: unknown[] = [];
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    await queue.start();
    await queue.work<{ attempt?: number; other?: boolean }>(name, { concurrency: 3 }, async (job) => {
      started.push(job.data);
      if (job.data.other) return;
      running++;
      maxRunningForKey = Math.max(maxRunningForKey, running);
      if (job.data.attempt === 1) await firstHeld;
      running--;
    });
    await waitFor(() => started.some((d) => (d as { attempt?: number }).attempt === 1));

    // While the first runs, one more may wait — but not two, and it must not start.
    const second = await queue.send(name, { attempt: 3 }, { singletonKey: "call-1" });
    expect(second).not.toBeNull();
    expect(await queue.send(name, { attempt: 4 }, { singletonKey: "call-1" })).toBeNull();
    await sleep(1500);
    expect(started).not.toContainEqual({ attempt: 3 });

    releaseFirst();
    await waitFor(() => started.some((d) => (d as { attempt?: number }).attempt === 3));
    expect(maxRunningForKey).toBe(1);
    expect(started).toContainEqual({ other: true });
  });

  it("jobs without a singleton key are never deduplicated", async () => {
    const queue = newQueue();
    const name = queueName();
    const ids = await Promise.all([1, 2, 3].map(() => queue.send(name, {})));
    expect(ids.every((id) => typeof id === "string")).toBe(true);
    expect(new Set(ids).size).toBe(3);
  });

  it("retries a failing job and then succeeds", async () => {
    const queue = newQueue(fastRetries);
    const name = queueName();
    await queue.start();
    const attempts: number[] = [];
    let succeeded = false;
    await queue.work(name, { concurrency: 1 }, async (job) => {
      attempts.push(job.retryCount);
      if (job.retryCount < 2) throw new Error("transient");
      succeeded = true;
    });
    const id = await queue.send(name, {}, { retryLimit: 3 });
    await waitFor(() => succeeded);
    expect(attempts).toEqual([0, 1, 2]);
    await sleep(300);
    expect(await jobState(id!)).toBe("completed");
  });

  it("waits the retry delay, growing it with backoff", async () => {
    const queue = newQueue({ retryBackoff: true });
    const name = queueName();
    await queue.start();
    const attemptTimes: number[] = [];
    await queue.work(name, { concurrency: 1 }, async () => {
      attemptTimes.push(Date.now());
      if (attemptTimes.length === 1) throw new Error("transient");
    });
    await queue.send(name, {}, { retryLimit: 1, retryDelayMs: 1000 });
    await waitFor(() => attemptTimes.length === 2);
    expect(attemptTimes[1]! - attemptTimes[0]!).toBeGreaterThanOrEqual(1000);
  });

  it("a job whose retries are spent fails and lands in the dead-letter queue", async () => {
    const queue = newQueue(fastRetries);
    const name = queueName();
    await queue.start();
    let attempts = 0;
    await queue.work(name, { concurrency: 1 }, async () => {
      attempts++;
      throw new Error("permanent");
    });
    const dead: Job[] = [];
    await queue.work(deadLetterQueueName(name), { concurrency: 1 }, async (job) => {
      dead.push(job);
    });
    const id = await queue.send(name, { callId: "c-1" }, { retryLimit: 1 });
    await waitFor(() => dead.length === 1);
    expect(attempts).toBe(2);
    expect(dead[0]!.data).toEqual({ callId: "c-1" });
    expect(await jobState(id!)).toBe("failed");
  });

  it("a job whose worker process was killed expires and is redelivered", async () => {
    const name = queueName();
    const options = { expireInSeconds: 1, maintenanceIntervalSeconds: 1, ...fastRetries };
    const survivor = newQueue(options);
    const id = await survivor.send(name, { callId: "c-9" }, { retryLimit: 2 });

    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(here, "fixtures/stuck-worker.ts"), TEST_POSTGRES_URL, schema, name],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const taken = await new Promise<string>((resolve, reject) => {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /taken (\S+)\n/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.once("exit", () => reject(new Error("stuck worker exited early")));
    });
    child.kill("SIGKILL");
    expect(taken).toBe(id);
    expect(await jobState(id!)).toBe("active");

    const redelivered: Job[] = [];
    await survivor.start();
    await survivor.work(name, { concurrency: 1 }, async (job) => {
      redelivered.push(job);
    });
    await waitFor(() => redelivered.length === 1, 15_000);
    expect(redelivered[0]).toMatchObject({ id, retryCount: 1, data: { callId: "c-9" } });
  });

  it("graceful stop lets a running handler finish and takes no new jobs", async () => {
    const queue = newQueue();
    const name = queueName();
    await queue.start();
    let finished = 0;
    let startedCount = 0;
    await queue.work(name, { concurrency: 1 }, async () => {
      startedCount++;
      await sleep(700);
      finished++;
    });
    const id = await queue.send(name, {});
    await waitFor(() => startedCount === 1);
    const later = await queue.send(name, {});
    await queue.stop({ timeoutMs: 5000 });
    expect(finished).toBe(1);
    expect(startedCount).toBe(1);
    expect(await jobState(id!)).toBe("completed");
    expect(await jobState(later!)).toBe("created");
  });

  it("stop releases a handler that outlives its timeout for redelivery elsewhere", async () => {
    const name = queueName();
    const first = newQueue(fastRetries);
    await first.start();
    let taken = false;
    await first.work(name, { concurrency: 1 }, async () => {
      taken = true;
      await new Promise(() => undefined);
    });
    const id = await first.send(name, { n: 1 }, { retryLimit: 2 });
    await waitFor(() => taken);
    const stopStarted = Date.now();
    await first.stop({ timeoutMs: 1000 });
    expect(Date.now() - stopStarted).toBeLessThan(4000);

    const second = newQueue(fastRetries);
    await second.start();
    const redelivered: Job[] = [];
    await second.work(name, { concurrency: 1 }, async (job) => {
      redelivered.push(job);
    });
    await waitFor(() => redelivered.length === 1);
    expect(redelivered[0]).toMatchObject({ id, retryCount: 1 });
  });
});

/** DeferJob, as both queues implement it (docs/architecture.md § One call, end to end). */
async function expectDeferral(queue: JobQueue) {
  await queue.start();
  const name = `defer-${randomUUID().slice(0, 8)}`;
  const deliveries: Array<{ at: number; retryCount: number }> = [];
  let recordedAt = 0;
  const until = { at: 0 };
  await queue.work(name, { concurrency: 1 }, async (job) => {
    deliveries.push({ at: Date.now(), retryCount: job.retryCount });
    if (deliveries.length === 1) {
      until.at = Date.now() + 300;
      throw new DeferJob(new Date(until.at), async () => {
        recordedAt = Date.now();
      });
    }
  });
  await queue.send(name, { n: 1 }, { singletonKey: "k", retryLimit: 0 });
  for (let i = 0; i < 400 && deliveries.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(deliveries).toHaveLength(2);
  // retryLimit 0: a deferral is not a failure.
  expect(deliveries.map((d) => d.retryCount)).toEqual([0, 0]);
  expect(deliveries[1]!.at).toBeGreaterThanOrEqual(until.at);
  expect(recordedAt).toBeGreaterThan(0);
  await queue.stop({ timeoutMs: 1000 });
}

describe("sqlite queue", () => {
  it("a deferred job runs again after its run-at, without spending a retry", async () => {
    await expectDeferral(createSqliteQueue({ file: ":memory:", pollIntervalMs: 50 }));
  });
});
