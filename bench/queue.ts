/**
 * Embedded queue throughput: calls completed per second with instant
 * providers, at worker concurrency 2 (the default, the baseline) and 4. The backlog is
 * submitted through the same intake code as the upload route, before the
 * workers start, so only the queue and the pipeline are timed (and the upload
 * route's rate limit does not pace the run).
 *
 *   npx tsx bench/queue.ts [--scale 1]
 */
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { LOCAL_DEV_PRINCIPAL, storeAudio, submitCall } from "@scryon/api";
import { loadConfig } from "@scryon/config";
import { createRuntime } from "@scryon/runtime";
import { fixture } from "@scryon/server/testing";
import { waitForTerminalCall } from "./lib/calls";
import { startInstantTranscriber } from "./lib/instant-transcriber";
import { benchOptions, fixed, printTable, progress, ratio } from "./lib/report";

const FULL_CALLS = 200;
const WORDS_PER_CALL = 60;
const CONCURRENCIES = [2, 4];

async function completedPerSecond(transcriberUrl: string, calls: number, concurrency: number) {
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), "scryon-bench-queue-"));
  const config = loadConfig({
    SCRYON_DATA_DIR: dataDir,
    SCRYON_LOG_LEVEL: "silent",
    SCRYON_SWEEP_INTERVAL_SECONDS: "3600",
    SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
    SCRYON_WORKER_CONCURRENCY: String(concurrency),
    TRANSCRIPTION_BASE_URL: transcriberUrl,
    TRANSCRIPTION_API_KEY: "bench",
  });
  const runtime = await createRuntime(config);
  try {
    const user = await runtime.store.users.findOrCreate({
      authUid: LOCAL_DEV_PRINCIPAL.authUid,
      email: LOCAL_DEV_PRINCIPAL.email,
      displayName: LOCAL_DEV_PRINCIPAL.displayName,
    });
    const callIds: string[] = [];
    for (let i = 0; i < calls; i++) {
      const audio = await storeAudio(runtime.apiDeps, user, fs.createReadStream(fixture("audio", "tone.wav")));
      const { body } = await submitCall(runtime.apiDeps, user, {
        audio,
        metadata: { title: `Queue bench ${i}` },
        title: undefined,
        idempotencyKey: null,
      });
      callIds.push(body.callId);
    }
    const started = Date.now();
    await runtime.startBackground();
    let lastChange = started;
    let failed = 0;
    for (const callId of callIds) {
      const call = await waitForTerminalCall(runtime.store, callId);
      if (call.status !== "COMPLETED") failed++;
      lastChange = Math.max(lastChange, call.statusChangedAt.getTime());
    }
    if (failed > 0) throw new Error(`${failed} of ${calls} calls failed`);
    const seconds = (lastChange - started) / 1000;
    return { seconds, perSecond: calls / seconds };
  } finally {
    await runtime.close({ timeoutMs: 5000 });
    await fsp.rm(dataDir, { recursive: true, force: true });
  }
}

export async function benchQueue(argv = process.argv.slice(2)) {
  const { scale } = benchOptions(argv);
  const calls = Math.max(10, Math.round(FULL_CALLS * scale));
  const transcriber = await startInstantTranscriber(WORDS_PER_CALL);
  try {
    const rows: Array<Array<string | number>> = [];
    let baseline: number | null = null;
    for (const concurrency of CONCURRENCIES) {
      progress(`${calls} queued calls, worker concurrency ${concurrency}`);
      const { seconds, perSecond } = await completedPerSecond(transcriber.baseURL, calls, concurrency);
      baseline ??= perSecond;
      rows.push([concurrency, calls, fixed(seconds, 1), fixed(perSecond, 1), ratio(perSecond, baseline)]);
    }
    printTable(
      `Embedded queue: ${calls} queued calls of ${WORDS_PER_CALL} words, instant transcription, offline analysis, preprocessing off ` +
        `(scale ${scale}); ratio = this concurrency / concurrency 2`,
      ["worker concurrency", "calls", "seconds", "completed/s", "ratio"],
      rows,
    );
  } finally {
    await transcriber.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchQueue();
