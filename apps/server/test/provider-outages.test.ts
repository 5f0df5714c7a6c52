import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { locateFfmpeg } from "@scryon/providers";
import {
  type FakeOpenAiTranscription,
  startFakeOpenAiTranscription,
  toneSpeech,
  writeToneRecording,
} from "@scryon/providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createScaleOutBackend,
  getJson,
  listStoredObjects,
  sendJson,
  startFakeTranscriptionServer,
  startServerProcess,
  startTestServer,
  TEST_MODE,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * Provider outages (docs/contract.md § Pipeline): transient faults are retried
 * through the queue inside the retry window; permanent ones fail fast. The
 * delays are shortened by configuration, and every assertion waits for a state
 * rather than for time to pass.
 */
const API_KEY = "sk-outage";
let ffmpegPath: string;
let workDir: string;
let recording: string;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "provider-outages-"));
  recording = path.join(workDir, "call.wav");
  await writeToneRecording(recording, toneSpeech(8, 4));
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await fs.rm(workDir, { recursive: true, force: true });
});

async function setup(env: Record<string, string> = {}, apiKey = API_KEY) {
  const provider = await startFakeOpenAiTranscription({ ffmpegPath, apiKey: API_KEY });
  closers.push(() => provider.close());
  const server = await startTestServer({
    SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
    TRANSCRIPTION_BASE_URL: provider.baseURL,
    TRANSCRIPTION_API_KEY: apiKey,
    SCRYON_PROVIDER_RETRY_BASE_SECONDS: "0.05",
    SCRYON_PROVIDER_RETRY_MAX_DELAY_SECONDS: "0.2",
    SCRYON_PROVIDER_CIRCUIT_COOLDOWN_SECONDS: "0.1",
    // The breaker has its own unit test; here every attempt reaches the provider.
    SCRYON_PROVIDER_CIRCUIT_THRESHOLD: "1000",
    ...env,
  });
  closers.push(() => server.close());
  return { provider, server };
}

async function submit(server: TestServer): Promise<string> {
  const upload = await uploadFile(server.url, recording, { metadata: { direction: "OUTGOING" } });
  expect(upload.status).toBe(202);
  return upload.body.callId as string;
}

const rawAudioOf = async (server: TestServer, callId: string) =>
  (await listStoredObjects(server)).filter((key) => key.includes(`${callId}/temp/`));

const requestsTo = (provider: FakeOpenAiTranscription) => provider.received.length;

describe("transcription provider outages", () => {
  it("a provider down for longer than one attempt tolerates (500s, then 429 with Retry-After) completes after it is back", async () => {
    const { provider, server } = await setup();
    // 8 × 500 (each attempt makes one quick in-process retry: 4 attempts), then 2 × 429 asking for 2 s.
    provider.failNext(8, 500);
    provider.failNext(2, 429, { "retry-after": "2" });
    const callId = await submit(server);

    // While it waits, the call stays in its stage and says until when it retries.
    let detail: Record<string, any> | null = null;
    for (let i = 0; i < 600; i++) {
      detail = (await getJson(`${server.url}/api/calls/${callId}`)).body;
      if (detail?.retryingUntil || detail?.status === "COMPLETED" || detail?.status === "FAILED") break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(detail).toMatchObject({ status: "TRANSCRIBING", errorReason: null });
    expect(Date.parse(detail!.retryingUntil)).toBeGreaterThan(Date.now() + 25 * 60_000);
    expect(await rawAudioOf(server, callId)).toHaveLength(1);

    expect(await waitForTerminal(server.url, callId, {}, 90_000)).toBe("COMPLETED");
    const done = (await getJson(`${server.url}/api/calls/${callId}`)).body!;
    expect(done.errorReason).toBeNull();
    expect(done.retryingUntil).toBeUndefined();

    // Bounded: every refused request led to one deferred attempt, and one more request succeeded.
    expect(requestsTo(provider)).toBe(11);
    const events = await server.runtime.store.events.list(callId);
    const deferred = events.filter((e) => e.status === "DEFERRED");
    expect(deferred.map((e) => [e.stage, e.errorCode])).toEqual([
      ...Array(4).fill(["TRANSCRIBED", "transcription_unavailable"]),
      ...Array(2).fill(["TRANSCRIBED", "transcription_rate_limited"]),
    ]);
    // Retry-After is honoured: the 429 attempts waited at least the 2 s the provider asked for.
    for (const e of deferred.slice(4)) expect(e.durationMs).toBeGreaterThanOrEqual(2000);
    for (const e of deferred.slice(0, 4)) expect(e.durationMs).toBeLessThanOrEqual(200);
    // Raw audio is deleted once the call is COMPLETED.
    // The audio is deleted just after the terminal transition: wait for it rather than race it.
    await expect.poll(() => rawAudioOf(server, callId), { timeout: 30_000 }).toEqual([]);
  }, 120_000);

  it("a permanent fault (401) fails fast with its code, and the call cannot be retried", async () => {
    const { provider, server } = await setup({}, "sk-wrong");
    const callId = await submit(server);
    expect(await waitForTerminal(server.url, callId, {}, 30_000)).toBe("FAILED");
    const detail = (await getJson(`${server.url}/api/calls/${callId}`)).body!;
    expect(detail.errorReason).toBe("transcription_auth_failed");
    expect(requestsTo(provider)).toBe(1);
    const events = await server.runtime.store.events.list(callId);
    expect(events.some((e) => e.status === "DEFERRED")).toBe(false);
    // The audio is deleted just after the terminal transition: wait for it rather than race it.
    await expect.poll(() => rawAudioOf(server, callId), { timeout: 30_000 }).toEqual([]);

    const retry = await sendJson("POST", `${server.url}/api/calls/${callId}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body).toMatchObject({
      error: { code: "call_state_conflict", details: { status: "FAILED", reason: "failure_not_transient" } },
    });
  }, 60_000);

  it("a fault that outlasts the window ends FAILED with the provider's code and the audio deleted", async () => {
    const { provider, server } = await setup({ SCRYON_PROVIDER_RETRY_WINDOW_MINUTES: "0" });
    provider.failNext(1000, 503);
    const callId = await submit(server);
    expect(await waitForTerminal(server.url, callId, {}, 30_000)).toBe("FAILED");
    const detail = (await getJson(`${server.url}/api/calls/${callId}`)).body!;
    expect(detail.errorReason).toBe("transcription_unavailable");
    // The audio is deleted just after the terminal transition: wait for it rather than race it.
    await expect.poll(() => rawAudioOf(server, callId), { timeout: 30_000 }).toEqual([]);
    // Transient, but the audio is gone: nothing to retry with.
    const retry = await sendJson("POST", `${server.url}/api/calls/${callId}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body!.error.details).toEqual({ status: "FAILED", reason: "audio_deleted" });
  }, 60_000);

  it("retry: a completed call is a 409, another user's or a missing call a 404", async () => {
    const { server } = await setup();
    const callId = await submit(server);
    expect(await waitForTerminal(server.url, callId, {}, 30_000)).toBe("COMPLETED");
    const retry = await sendJson("POST", `${server.url}/api/calls/${callId}/retry`);
    expect(retry.status).toBe(409);
    expect(retry.body!.error.details).toEqual({ status: "COMPLETED", reason: "call_completed" });
    const missing = await sendJson("POST", `${server.url}/api/calls/00000000-0000-4000-8000-000000000000/retry`);
    expect(missing.status).toBe(404);
    expect(missing.body!.error.code).toBe("call_not_found");
  }, 60_000);
});

describe("a worker killed while a call waits for its next attempt", () => {
  it("loses nothing: the next process picks the deferred job up and completes the call", async () => {
    const provider = await startFakeOpenAiTranscription({ ffmpegPath, apiKey: API_KEY });
    closers.push(() => provider.close());
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-outage-kill-"));
    const backend = TEST_MODE === "scale-out" ? await createScaleOutBackend() : undefined;
    closers.push(async () => {
      await backend?.drop();
      await fs.rm(dataDir, { recursive: true, force: true });
    });
    const env = {
      ...backend?.env,
      SCRYON_DATA_DIR: dataDir,
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      TRANSCRIPTION_BASE_URL: provider.baseURL,
      TRANSCRIPTION_API_KEY: API_KEY,
    };
    // One 429 asking for 3 s: the call is deferred through the queue, not held by a worker.
    provider.failNext(1, 429, { "retry-after": "3" });
    const first = await startServerProcess(env);
    const children = [first.child];
    closers.push(async () => {
      for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    });
    const upload = await uploadFile(first.url, recording, { metadata: { direction: "OUTGOING" } });
    expect(upload.status).toBe(202);
    const callId = upload.body.callId as string;
    let detail: Record<string, any> | null = null;
    for (let i = 0; i < 600 && !detail?.retryingUntil; i++) {
      detail = (await getJson(`${first.url}/api/calls/${callId}`)).body;
      if (!detail?.retryingUntil) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    // retryingUntil is written only once the queue holds the deferred job, so the kill lands while it waits.
    expect(detail).toMatchObject({ status: "TRANSCRIBING" });
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    const second = await startServerProcess(env);
    children.push(second.child);
    expect(await waitForTerminal(second.url, callId, {}, 60_000)).toBe("COMPLETED");
    // One refused request, one that succeeded: nothing was lost or repeated.
    expect(provider.received.map((r) => r.status)).toEqual([429, 200]);
    second.child.kill("SIGTERM");
    await new Promise((resolve) => second.child.once("exit", resolve));
  }, 120_000);
});

describe("POST /api/calls/{id}/retry on a call that failed transiently with its audio kept", () => {
  it("re-queues it (idempotently) and it completes", async () => {
    // A provider that never answers and a tiny stale timeout: the sweeper fails the call `stale_job`,
    // a transient failure that keeps the raw audio.
    const hanging = await startFakeTranscriptionServer();
    const held: Array<() => void> = [];
    let holding = true;
    const gone = { status: 500, body: { error: { message: "gone" } } };
    hanging.answerWith(
      () =>
        new Promise((resolve) => {
          if (!holding) return resolve(gone);
          held.push(() => resolve(gone));
        }),
    );
    closers.push(() => hanging.close());
    const first = await startTestServer({
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      TRANSCRIPTION_BASE_URL: hanging.baseURL,
      TRANSCRIPTION_API_KEY: API_KEY,
      TRANSCRIPTION_TIMEOUT_SECONDS: "600",
      SCRYON_STALE_JOB_TIMEOUT_MINUTES: "0.01",
      SCRYON_STALE_JOB_MAX_REQUEUES: "0",
      SCRYON_SWEEP_INTERVAL_SECONDS: "0.2",
    });
    const callId = await submit(first);
    expect(await waitForTerminal(first.url, callId, {}, 30_000)).toBe("FAILED");
    expect((await getJson(`${first.url}/api/calls/${callId}`)).body!.errorReason).toBe("stale_job");
    expect(await rawAudioOf(first, callId)).toHaveLength(1);
    holding = false;
    for (const release of held) release();
    await first.stop({ timeoutMs: 1000 });

    // The same deployment again, now with a working provider.
    const { server } = await setupOn(first.dataDir);
    const headers = { "idempotency-key": `retry-${callId}` };
    const retry = await sendJson("POST", `${server.url}/api/calls/${callId}/retry`, undefined, headers);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ callId, errorReason: null });
    // The same request again answers the same, and queues nothing more.
    const again = await sendJson("POST", `${server.url}/api/calls/${callId}/retry`, undefined, headers);
    expect(again).toEqual(retry);
    expect(await waitForTerminal(server.url, callId, {}, 60_000)).toBe("COMPLETED");
    // The audio is deleted just after the terminal transition: wait for it rather than race it.
    await expect.poll(() => rawAudioOf(server, callId), { timeout: 30_000 }).toEqual([]);
  }, 120_000);
});

async function setupOn(dataDir: string) {
  const provider = await startFakeOpenAiTranscription({ ffmpegPath, apiKey: API_KEY });
  closers.push(() => provider.close());
  const server = await startTestServer(
    {
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      TRANSCRIPTION_BASE_URL: provider.baseURL,
      TRANSCRIPTION_API_KEY: API_KEY,
    },
    dataDir,
  );
  closers.push(() => server.close());
  return { provider, server };
}
