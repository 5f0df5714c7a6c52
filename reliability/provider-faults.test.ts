import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getJson, upload, waitAllTerminal } from "./support/client";
import { type FakeOpenAi, fixtureRecording, startFakeOpenAi } from "./support/fake-openai";
import type { Fault } from "./support/faults";
import { type FaultyPyannote, PYANNOTE_API_KEY, startFaultyPyannote } from "./support/pyannote-proxy";
import { makeDataDir, type ServerProcess, startServerProcess } from "./support/server";

/** No fault may leave a call non-terminal; this is far above every provider deadline set below. */
const TERMINAL_WITHIN_MS = 45_000;

/** What the LLM answers when it works: a valid schema-v3 analysis. */
const LLM_ANALYSIS = {
  schemaVersion: 3,
  callType: "sales",
  oneLineSummary: "Proposal follow-up.",
  actionItems: [
    { title: "Send the revised proposal", priority: "medium", intent: "email", sourceSegmentIds: ["seg_0001"] },
  ],
};

interface Scenario {
  server: ServerProcess;
  dataDir: string;
  openai: FakeOpenAi;
  pyannote?: FaultyPyannote;
}

async function startScenario(
  label: string,
  env: (openai: FakeOpenAi, pyannote?: FaultyPyannote) => Record<string, string>,
  withPyannote = false,
): Promise<Scenario> {
  const dataDir = await makeDataDir(label);
  const openai = await startFakeOpenAi({ delayMs: [10, 50], chatAnswer: () => LLM_ANALYSIS });
  const pyannote = withPyannote ? await startFaultyPyannote() : undefined;
  const server = await startServerProcess({
    SCRYON_DATA_DIR: dataDir,
    TRANSCRIPTION_BASE_URL: openai.baseURL,
    TRANSCRIPTION_API_KEY: "sk-reliability",
    ...env(openai, pyannote),
  });
  return { server, dataDir, openai, ...(pyannote && { pyannote }) };
}

async function stopScenario(scenario: Scenario | undefined) {
  if (!scenario) return;
  await scenario.server.kill9();
  await scenario.openai.close();
  await scenario.pyannote?.close();
  await fs.rm(scenario.dataDir, { recursive: true, force: true });
}

/** Uploads one recording and waits for the call to be terminal; returns its detail and, when completed, its transcript. */
async function processOne(scenario: Scenario) {
  const { server } = scenario;
  const answer = await upload(server.url, fixtureRecording("sales-follow-up"), {
    metadata: { direction: "OUTGOING", contactName: "Ravi Kumar" },
  });
  expect(answer.status).toBe(202);
  const callId = answer.body.callId as string;
  const started = performance.now();
  await waitAllTerminal(server.url, [callId], TERMINAL_WITHIN_MS);
  const seconds = (performance.now() - started) / 1000;
  const detail = (await getJson(`${server.url}/api/calls/${callId}`)).body;
  const transcript =
    detail.status === "COMPLETED" ? (await getJson(`${server.url}/api/calls/${callId}/transcript`)).body : null;
  return { detail, transcript, seconds };
}

const FAULTS: Fault[] = ["http_500", "timeout", "connection_closed", "invalid_json", "huge_body"];
const figures: string[] = [];

afterAll(() => console.log(`provider faults:\n${figures.map((f) => `  ${f}`).join("\n")}`));

// One server for every row: transcription, LLM and pyannoteAI are all configured,
// and each row breaks exactly one of them (the others keep working).
let scenario: Scenario | undefined;
beforeAll(async () => {
  // An "ffmpeg" that answers -version (so it is chosen) and fails every real job.
  const brokenFfmpeg = path.join(await makeDataDir("ffmpeg"), "ffmpeg");
  await fs.writeFile(
    brokenFfmpeg,
    "#!/bin/sh\ncase \"$*\" in *-version*) echo 'ffmpeg version 6.1'; exit 0;; esac\necho broken >&2; exit 1\n",
    { mode: 0o755 },
  );
  scenario = await startScenario(
    "providers",
    (openai, pyannote) => ({
      TRANSCRIPTION_TIMEOUT_SECONDS: "1",
      LLM_BASE_URL: openai.baseURL,
      LLM_API_KEY: "sk-reliability",
      LLM_TIMEOUT_SECONDS: "1",
      PYANNOTE_ENABLED: "true",
      PYANNOTE_API_KEY: PYANNOTE_API_KEY,
      PYANNOTE_BASE_URL: pyannote!.baseURL,
      PYANNOTE_POLL_INTERVAL_SECONDS: "0.05",
      PYANNOTE_TIMEOUT_SECONDS: "2",
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "true",
      SCRYON_FFMPEG_PATH: brokenFfmpeg,
      // Transient faults are retried through the queue (docs/contract.md § Pipeline); a short
      // window and short delays keep every row well inside TERMINAL_WITHIN_MS.
      SCRYON_PROVIDER_RETRY_WINDOW_MINUTES: "0.1",
      SCRYON_PROVIDER_RETRY_BASE_SECONDS: "0.2",
      SCRYON_PROVIDER_RETRY_MAX_DELAY_SECONDS: "1",
      SCRYON_PROVIDER_CIRCUIT_COOLDOWN_SECONDS: "0.5",
    }),
    true,
  );
});
afterAll(() => stopScenario(scenario));
beforeEach(() => {
  scenario!.openai.faults.transcription = null;
  scenario!.openai.faults.chat = null;
  scenario!.pyannote!.fault = null;
});

describe("transient faults shorter than the retry window: COMPLETED after the provider recovers", () => {
  it.each<["transcription" | "chat"]>([["transcription"], ["chat"]])("%s http_500, then working", async (which) => {
    const { openai } = scenario!;
    openai.faults[which] = "http_500";
    // Recovers after three refused requests: at least one attempt has been deferred by then.
    const until = openai.counts[which] + 3;
    const recovery = (async () => {
      while (openai.counts[which] < until) await new Promise((resolve) => setTimeout(resolve, 20));
      openai.faults[which] = null;
    })();
    const { detail, seconds } = await processOne(scenario!);
    await recovery;
    figures.push(`${which} http_500 then working: ${detail.status} in ${seconds.toFixed(1)} s`);
    expect(detail).toMatchObject({ status: "COMPLETED", errorReason: null });
  });
});

describe("transcription provider faults (outlasting the retry window, or permanent): FAILED with a clear errorReason", () => {
  // The deadline covers reading the body too, so 50 MB on a busy machine may run out of time first.
  it.each<[Fault, string[]]>([
    ["http_500", ["transcription_unavailable"]],
    ["timeout", ["transcription_timeout"]],
    ["connection_closed", ["transcription_unavailable"]],
    ["invalid_json", ["transcription_invalid_response"]],
    ["huge_body", ["transcription_invalid_response", "transcription_timeout"]],
  ])("%s → FAILED %s", async (fault, errorReasons) => {
    scenario!.openai.faults.transcription = fault;
    const { detail, seconds } = await processOne(scenario!);
    figures.push(`transcription ${fault}: ${detail.status} ${detail.errorReason} in ${seconds.toFixed(1)} s`);
    expect(detail.status).toBe("FAILED");
    expect(errorReasons).toContain(detail.errorReason);
    // Raw audio does not outlive a failed call either (it is deleted right after the FAILED transition).
    const rawAudio = async () =>
      (await fs.readdir(path.join(scenario!.dataDir, "storage"), { recursive: true })).filter((f) =>
        String(f).includes(`${detail.id ?? detail.callId}/temp/`),
      );
    await expect.poll(rawAudio, { timeout: 30_000 }).toEqual([]);
  });
});

describe("LLM faults (outlasting the retry window, or permanent): FAILED with an llm_… errorReason", () => {
  it.each<[Fault, string[]]>([
    ["http_500", ["llm_http_5xx"]],
    ["timeout", ["llm_timeout"]],
    ["connection_closed", ["llm_unavailable"]],
    ["invalid_json", ["llm_invalid_response"]],
    ["huge_body", ["llm_invalid_response", "llm_timeout"]],
  ])("%s → FAILED %s", async (fault, errorReasons) => {
    scenario!.openai.faults.chat = fault;
    const { detail, seconds } = await processOne(scenario!);
    figures.push(`llm ${fault}: ${detail.status} ${detail.errorReason} in ${seconds.toFixed(1)} s`);
    expect(detail.status).toBe("FAILED");
    expect(errorReasons).toContain(detail.errorReason);
  });
});

describe("diarization (pyannoteAI) faults fall back to the next source; a broken ffmpeg falls back to the original audio", () => {
  it.each<[Fault | null]>([[null], ...FAULTS.map((f): [Fault] => [f])])("pyannote %s", async (fault) => {
    scenario!.pyannote!.fault = fault;
    const { detail, transcript, seconds } = await processOne(scenario!);
    const pipeline = transcript?.pipeline as { preprocessing?: string; diarization?: { source?: string } } | undefined;
    figures.push(
      `pyannote ${fault ?? "working"}: ${detail.status}, diarization ${pipeline?.diarization?.source}, audio ${pipeline?.preprocessing} in ${seconds.toFixed(1)} s`,
    );
    // The LLM works in these rows: the summary is its answer.
    expect(detail).toMatchObject({ status: "COMPLETED", errorReason: null, summary: LLM_ANALYSIS.oneLineSummary });
    expect(pipeline?.preprocessing).toBe("ORIGINAL_AUDIO");
    if (fault === null) expect(pipeline?.diarization?.source).toBe("PYANNOTE");
    else expect(pipeline?.diarization?.source).not.toBe("PYANNOTE");
  });
});
