import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DiarizationRequest, SpeakerTurn } from "../types";
import { ProviderError } from "../types";
import type { PyannoteDiarizationOptions } from "./pyannote";
import { createPyannoteDiarizationSource } from "./pyannote";
import type { FakePyannote, FakePyannoteOptions } from "./testing/fakePyannote";
import { startFakePyannote } from "./testing/fakePyannote";

const API_KEY = "pyannote-test-key";
const FIXTURE = new URL("../../../../fixtures/calls/support-call/diarization.pyannote.json", import.meta.url);

let workDir: string;
let audioPath: string;
let audioSha256: string;
let audioBytes: number;
let recordedTurns: SpeakerTurn[];
let fake: FakePyannote | undefined;

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "scryon-pyannote-"));
  audioPath = join(workDir, "call.wav");
  const audio = randomBytes(300 * 1024 + 7);
  audioBytes = audio.length;
  audioSha256 = createHash("sha256").update(audio).digest("hex");
  await writeFile(audioPath, audio);
  const recorded = JSON.parse(await readFile(FIXTURE, "utf8")) as { output: { diarization: SpeakerTurn[] } };
  recordedTurns = recorded.output.diarization;
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

async function setUp(server: Omit<FakePyannoteOptions, "apiKey">, source: Partial<PyannoteDiarizationOptions> = {}) {
  fake = await startFakePyannote({ apiKey: API_KEY, output: { diarization: recordedTurns }, ...server });
  return createPyannoteDiarizationSource({
    apiKey: API_KEY,
    baseURL: fake.baseURL,
    pollIntervalMs: 10,
    retryDelayMs: 10,
    ...source,
  });
}

function request(overrides: Partial<DiarizationRequest> = {}): DiarizationRequest {
  return { filePath: audioPath, durationSeconds: 62.3, ...overrides };
}

async function expectProviderError(promise: Promise<unknown>, code: string): Promise<ProviderError> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, got a result`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).code).toBe(code);
  return error as ProviderError;
}

describe("createPyannoteDiarizationSource", () => {
  it("uploads the file, submits a two-speaker job, polls to success and returns the turns", async () => {
    const source = await setUp({});

    const result = await source.diarize(request({ numSpeakersHint: 2 }));

    expect(source.name).toBe("PYANNOTE");
    expect(result).toEqual({ turns: recordedTurns, source: "PYANNOTE", provider: "pyannoteai" });
    const f = fake!;
    expect(f.calls.map((call) => call.route)).toEqual([
      "POST /v1/media/input",
      "PUT /upload",
      "POST /v1/diarize",
      "GET /v1/jobs",
      "GET /v1/jobs",
      "GET /v1/jobs",
    ]);
    const [mediaInput] = f.callsTo("POST /v1/media/input");
    const mediaUrl = (JSON.parse(mediaInput!.body.toString("utf8")) as { url: string }).url;
    expect(mediaUrl).toMatch(/^media:\/\/scryon-[0-9a-f-]{36}$/);
    expect(f.uploads.get(mediaUrl)).toEqual({ sha256: audioSha256, bytes: audioBytes });
    const [upload] = f.callsTo("PUT /upload");
    expect(upload!.contentLength).toBe(String(audioBytes));
    expect(upload!.authorization).toBeUndefined();
    expect(f.diarizeBodies).toEqual([{ url: mediaUrl, exclusive: true, numSpeakers: 2 }]);
    for (const call of f.calls.filter((call) => call.route !== "PUT /upload")) {
      expect(call.authorization).toBe(`Bearer ${API_KEY}`);
    }
  });

  it("sends no speaker count without a hint, and passes the configured model", async () => {
    const source = await setUp({}, { model: "precision-2" });

    await source.diarize(request());

    expect(fake!.diarizeBodies).toHaveLength(1);
    expect(fake!.diarizeBodies[0]).not.toHaveProperty("numSpeakers");
    expect(fake!.diarizeBodies[0]).toMatchObject({ exclusive: true, model: "precision-2" });
  });

  it("prefers exclusive turns and orders them, dropping empty spans", async () => {
    const source = await setUp({
      output: {
        diarization: [{ speaker: "SPEAKER_00", start: 0, end: 3 }],
        exclusiveDiarization: [
          { speaker: "SPEAKER_01", start: 2.5, end: 4 },
          { speaker: "SPEAKER_00", start: 0.2, end: 2.5 },
          { speaker: "SPEAKER_01", start: 4, end: 4 },
        ],
      },
    });

    const result = await source.diarize(request({ numSpeakersHint: 2 }));

    expect(result?.turns).toEqual([
      { speaker: "SPEAKER_00", start: 0.2, end: 2.5 },
      { speaker: "SPEAKER_01", start: 2.5, end: 4 },
    ]);
  });

  it("returns null when the job finds no speech", async () => {
    const source = await setUp({ output: { diarization: [] } });
    expect(await source.diarize(request())).toBeNull();
  });

  it("skips recordings longer than maxAudioSeconds without calling the API", async () => {
    const source = await setUp({}, { maxAudioSeconds: 60 });

    expect(await source.diarize(request({ durationSeconds: 61 }))).toBeNull();
    expect(fake!.calls).toHaveLength(0);
  });

  it("fails with diarization_job_failed when the job fails", async () => {
    const source = await setUp({ jobStatuses: ["pending", "running", "failed"] });

    await expectProviderError(source.diarize(request()), "diarization_job_failed");
    expect(fake!.callsTo("GET /v1/jobs")).toHaveLength(3);
  });

  it("fails with diarization_job_canceled when the job is canceled", async () => {
    const source = await setUp({ jobStatuses: ["running", "canceled"] });
    await expectProviderError(source.diarize(request()), "diarization_job_canceled");
  });

  it("retries 5xx answers on every step and still succeeds", async () => {
    const source = await setUp({
      failFirst: {
        "POST /v1/media/input": [500],
        "PUT /upload": [503],
        "POST /v1/diarize": [502],
        "GET /v1/jobs": [500, 500],
      },
    });

    const result = await source.diarize(request({ numSpeakersHint: 2 }));

    expect(result?.turns).toEqual(recordedTurns);
    expect(fake!.callsTo("POST /v1/media/input")).toHaveLength(2);
    expect(fake!.callsTo("PUT /upload")).toHaveLength(2);
    expect(fake!.callsTo("POST /v1/diarize")).toHaveLength(2);
    expect([...fake!.uploads.values()]).toEqual([{ sha256: audioSha256, bytes: audioBytes }]);
  });

  it("gives up after the bounded retries with diarization_unavailable", async () => {
    const source = await setUp({ failFirst: { "POST /v1/media/input": [500, 500, 500, 500] } }, { maxRetries: 2 });

    const error = await expectProviderError(source.diarize(request()), "diarization_unavailable");

    expect(error.retryable).toBe(true);
    expect(fake!.callsTo("POST /v1/media/input")).toHaveLength(3);
    expect(fake!.callsTo("PUT /upload")).toHaveLength(0);
  });

  it("fails a wrong API key with diarization_auth_failed, without retrying", async () => {
    const source = await setUp({}, { apiKey: "wrong-key" });

    const error = await expectProviderError(source.diarize(request()), "diarization_auth_failed");

    expect(error.retryable).toBe(false);
    expect(fake!.calls).toHaveLength(1);
  });

  it("fails an upload refused by the store with diarization_upload_failed", async () => {
    const source = await setUp({ failFirst: { "PUT /upload": [403] } });

    await expectProviderError(source.diarize(request()), "diarization_upload_failed");
    expect(fake!.callsTo("PUT /upload")).toHaveLength(1);
    expect(fake!.callsTo("POST /v1/diarize")).toHaveLength(0);
  });

  it("fails a succeeded job without diarization with diarization_invalid_response", async () => {
    const source = await setUp({ output: { warning: "nothing here" } });
    await expectProviderError(source.diarize(request()), "diarization_invalid_response");
  });

  it("times out a job that never finishes", async () => {
    const source = await setUp({ jobStatuses: ["running"] }, { timeoutMs: 300 });

    const started = Date.now();
    await expectProviderError(source.diarize(request()), "diarization_timeout");
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(fake!.callsTo("GET /v1/jobs").length).toBeGreaterThan(1);
  });

  it("stops polling when the caller aborts", async () => {
    const source = await setUp({ jobStatuses: ["running"] });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);

    await expectProviderError(source.diarize(request({ signal: controller.signal })), "diarization_aborted");
    // A poll already on the wire when the abort fired may still land; none may follow it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const polls = fake!.callsTo("GET /v1/jobs").length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake!.callsTo("GET /v1/jobs")).toHaveLength(polls);
  });

  it("reports an unreachable API as diarization_unavailable", async () => {
    const source = await setUp({});
    await fake!.close();
    fake = undefined;

    await expectProviderError(source.diarize(request()), "diarization_unavailable");
  });

  it("reports a missing audio file without calling the API", async () => {
    const source = await setUp({});
    await expectProviderError(
      source.diarize(request({ filePath: join(workDir, "missing.wav") })),
      "diarization_file_unreadable",
    );
    expect(fake!.calls).toHaveLength(0);
  });
});
