import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { openSqliteStore, type Store } from "@scryon/db";
import { createSqliteQueue, type JobQueue } from "@scryon/queue";
import { artifactKey, createLocalStorage, type ObjectStorage, tempAudioKey } from "@scryon/storage";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSweepers, PROCESS_CALL_JOB } from "../src";

const log = { info() {}, warn() {}, error() {} };
let dir: string;
let store: Store;
let storage: ObjectStorage;
let queue: JobQueue;
let userId: string;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-sweep-"));
  store = openSqliteStore({ file: path.join(dir, "db.sqlite") });
  storage = createLocalStorage({ root: path.join(dir, "storage") });
  queue = createSqliteQueue({ file: path.join(dir, "db.sqlite"), pollIntervalMs: 20 });
  userId = (await store.users.findOrCreate({ authUid: "u1", email: null, displayName: null })).id;
});
afterEach(async () => {
  await queue.stop({ timeoutMs: 100 });
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function newCall() {
  const id = randomUUID();
  await store.calls.insert({
    id,
    userId,
    title: null,
    contactName: null,
    contactId: null,
    phoneNumber: null,
    organization: null,
    direction: null,
    recordedAt: null,
    durationSeconds: null,
    sourceContentType: "audio/wav",
    sourceSizeBytes: 4,
  });
  return id;
}

const sweepers = (overrides: Partial<Parameters<typeof createSweepers>[0]> = {}) =>
  createSweepers({
    store,
    storage,
    queue,
    log,
    staleAfterMs: 60_000,
    maxRequeues: 2,
    tempAudioTtlMs: 3_600_000,
    orphanGraceMs: 0,
    ...overrides,
  });

describe("stale-call sweeper", () => {
  it("re-queues a stuck call a bounded number of times, then fails it with stale_job", async () => {
    const callId = await newCall();
    await store.calls.transition(callId, ["QUEUED"], "TRANSCRIBING");
    const finished: unknown[] = [];
    const sweep = sweepers({ onCallFinished: async (call) => void finished.push(call) });
    const later = (minutes: number) => new Date(Date.now() + minutes * 60_000);

    expect(await sweep.sweepStaleCalls(later(0))).toEqual({ requeued: 0, failed: 0 }); // not stale yet
    for (const round of [1, 2]) {
      expect(await sweep.sweepStaleCalls(later(2 * round))).toEqual({ requeued: 1, failed: 0 });
      const call = await store.calls.getById(callId);
      expect(call).toMatchObject({ status: "QUEUED", staleRequeues: round });
      await store.calls.transition(callId, ["QUEUED"], "TRANSCRIBING"); // a worker picks it up and hangs again
    }
    expect(await sweep.sweepStaleCalls(later(10))).toEqual({ requeued: 0, failed: 1 });
    expect(await store.calls.getById(callId)).toMatchObject({ status: "FAILED", errorReason: "stale_job" });
    // docs/contract.md § Webhooks: the sweeper's FAILED is reported like the pipeline's.
    expect(finished).toEqual([{ callId, userId: expect.any(String), status: "FAILED", errorReason: "stale_job" }]);
  });

  it("makes sure a long-waiting QUEUED call has a job, without counting it as a requeue", async () => {
    const callId = await newCall();
    const seen: string[] = [];
    await queue.work<{ callId: string }>(
      PROCESS_CALL_JOB,
      { concurrency: 1 },
      async (job) => void seen.push(job.data.callId),
    );
    await queue.start();
    await sweepers().sweepStaleCalls(new Date(Date.now() + 5 * 60_000));
    for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen).toEqual([callId]);
    expect(await store.calls.getById(callId)).toMatchObject({ status: "QUEUED", staleRequeues: 0 });
  });
});

describe("temp-audio and orphan sweepers", () => {
  it("deletes temp audio past its TTL, object and row", async () => {
    const callId = await newCall();
    const key = tempAudioKey(userId, callId, "wav");
    await storage.put(key, Buffer.from("RIFF"), { contentType: "audio/wav" });
    await store.artifacts.upsert({
      callId,
      type: "TEMP_AUDIO",
      storageKey: key,
      contentType: "audio/wav",
      sizeBytes: 4,
    });
    const sweep = sweepers();
    expect(await sweep.sweepTempAudio(new Date())).toBe(0);
    expect(await sweep.sweepTempAudio(new Date(Date.now() + 2 * 3_600_000))).toBe(1);
    expect(await storage.exists(key)).toBe(false);
    expect(await store.artifacts.get(callId, "TEMP_AUDIO")).toBeNull();
  });

  it("removes objects whose call no longer exists and keeps the others", async () => {
    const kept = await newCall();
    const gone = randomUUID();
    const keptKey = artifactKey(userId, kept, "ANALYSIS_JSON");
    const goneKeys = [
      artifactKey(userId, gone, "ANALYSIS_JSON"),
      artifactKey(userId, gone, "NORMALIZED_TRANSCRIPT_JSON"),
    ];
    for (const key of [keptKey, ...goneKeys]) await storage.put(key, "{}", { contentType: "application/json" });
    expect(await sweepers().sweepOrphans(new Date(Date.now() + 1000))).toBe(2);
    expect(await storage.exists(keptKey)).toBe(true);
    for (const key of goneKeys) expect(await storage.exists(key)).toBe(false);
    // A fresh upload's file (row not written yet) is inside the grace period and survives.
    await storage.put(goneKeys[0]!, "{}", { contentType: "application/json" });
    expect(await sweepers({ orphanGraceMs: 3_600_000 }).sweepOrphans()).toBe(0);
  });
});
