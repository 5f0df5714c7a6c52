import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { encodeForUpload } from "../audio/encodeForUpload";
import { locateFfmpeg } from "../audio/locateFfmpeg";
import { startFakeOpenAiTranscription } from "../testing";
import type { TimedWord } from "../types";
import { ProviderError } from "../types";
import { HARD_CUT_OVERLAP_SECONDS, planChunks, stitchChunks, transcribeInChunks } from "./chunkedTranscription";
import { createOpenAiCompatibleTranscriber } from "./openAiCompatible";
import { type HeardWord, toneSpeech, writeToneRecording } from "./testing/toneRecognizer";

let ffmpegPath: string;
let workDir: string;
let fakes: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  const located = await locateFfmpeg();
  if (!located) throw new Error("ffmpeg is required for the chunking tests");
  ffmpegPath = located.path;
  workDir = await mkdtemp(path.join(tmpdir(), "chunked-test-"));
});
afterEach(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  fakes = [];
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

async function fake(options: Parameters<typeof startFakeOpenAiTranscription>[0] extends infer O ? Partial<O> : never) {
  const server = await startFakeOpenAiTranscription({ ffmpegPath, apiKey: "sk-test", ...options });
  fakes.push(server);
  return server;
}

const transcriberFor = (baseURL: string) =>
  createOpenAiCompatibleTranscriber({ baseURL, apiKey: "sk-test", model: "whisper-1" });

/** Every generated word heard exactly once, in order, at its time. */
function expectSameWords(actual: readonly TimedWord[], expected: readonly HeardWord[]) {
  expect(actual.map((w) => w.text)).toEqual(expected.map((w) => w.text));
  actual.forEach((word, i) => {
    expect(Math.abs(word.start - expected[i]!.start)).toBeLessThan(0.05);
    expect(Math.abs(word.end - expected[i]!.end)).toBeLessThan(0.05);
  });
  for (let i = 1; i < actual.length; i++) expect(actual[i]!.start).toBeGreaterThanOrEqual(actual[i - 1]!.start);
}

async function scratchLeft() {
  return (await readdir(workDir)).filter((name) => name.startsWith("scryon-chunks-"));
}

describe("planChunks", () => {
  it("cuts in the longest silence near the end of each chunk, with no overlap", () => {
    const silences = [
      { start: 40, end: 40.5 },
      { start: 50, end: 52 },
      { start: 58, end: 58.4 },
      { start: 110, end: 111 },
    ];
    const chunks = planChunks(150, 60, silences);
    expect(chunks.map((c) => [c.start, c.end, c.cutAtSilence])).toEqual([
      [0, 51, true],
      [51, 110.5, true],
      [110.5, 150, true],
    ]);
    expect(chunks.map((c) => c.seamStart)).toEqual([0, 51, 110.5]);
  });

  it("makes a hard cut with overlapping audio where there is no silence", () => {
    const chunks = planChunks(100, 40, []);
    const half = HARD_CUT_OVERLAP_SECONDS / 2;
    expect(chunks).toHaveLength(3);
    expect(chunks[0]).toMatchObject({ start: 0, end: 40, seamEnd: 40 - half, cutAtSilence: false });
    expect(chunks[1]).toMatchObject({ start: 40 - 2 * half, seamStart: 40 - half });
    // No chunk is longer than the target, overlap included.
    for (const chunk of chunks) expect(chunk.end - chunk.start).toBeLessThanOrEqual(40 + 1e-9);
  });
});

describe("stitchChunks", () => {
  it("keeps a word heard on both sides of a hard cut once", () => {
    const chunks = planChunks(20, 12, []);
    const seam = chunks[0]!.seamEnd; // 11
    const result = (words: TimedWord[]) => ({
      language: "en",
      durationSeconds: null,
      text: "",
      words,
      segments: [],
      provider: "p",
      model: null,
    });
    // The straddling word: midpoint 10.95 in the first chunk's ears, 11.02 in the second's.
    const stitched = stitchChunks(
      chunks,
      [
        result([
          { text: "before", start: 9, end: 9.5 },
          { text: "Seam,", start: 10.7, end: 11.2 },
        ]),
        result([
          { text: "seam", start: 10.74 - chunks[1]!.start, end: 11.3 - chunks[1]!.start },
          { text: "after", start: 12 - chunks[1]!.start, end: 12.4 - chunks[1]!.start },
        ]),
      ],
      20,
    );
    expect(seam).toBe(11);
    expect(stitched.words.map((w) => w.text)).toEqual(["before", "Seam,", "after"]);
  });
});

describe("transcribeInChunks against an OpenAI-compatible server", () => {
  it("sends one compressed request when the call fits", async () => {
    const server = await fake({});
    const audio = path.join(workDir, "short.wav");
    const expected = await writeToneRecording(audio, toneSpeech(20, 6));
    const { result, chunks } = await transcribeInChunks({
      provider: transcriberFor(server.baseURL),
      ffmpegPath,
      filePath: audio,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      limits: { maxUploadBytes: 25 * 1024 * 1024, maxChunkSeconds: null, format: "flac", concurrency: 3 },
      workDir,
      ffmpegTimeoutMs: 60_000,
    });
    expect(chunks).toHaveLength(1);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]).toMatchObject({ fileName: "audio.flac", fileType: "audio/flac", status: 200 });
    expect(server.received[0]!.fields.response_format).toEqual(["verbose_json"]);
    expectSameWords(result.words, expected);
    expect(result.language).toBe("en");
    expect(await scratchLeft()).toEqual([]);
  });

  it("splits a call over the byte limit at silences; no request exceeds it and no word is lost or doubled", async () => {
    const audio = path.join(workDir, "long.wav");
    const expected = await writeToneRecording(audio, toneSpeech(90, 7));
    const whole = await encodeForUpload({
      ffmpegPath,
      inputPath: audio,
      outputPath: path.join(workDir, "whole.flac"),
      format: "flac",
      timeoutMs: 60_000,
    });
    // A provider that takes a quarter of this call per request, and refuses more with OpenAI's 413.
    const limit = Math.floor(whole.sizeBytes / 3);
    const server = await fake({ maxBodyBytes: limit });
    const { result, chunks, largestUploadBytes } = await transcribeInChunks({
      provider: transcriberFor(server.baseURL),
      ffmpegPath,
      filePath: audio,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      limits: { maxUploadBytes: limit, maxChunkSeconds: null, format: "flac", concurrency: 2 },
      workDir,
      ffmpegTimeoutMs: 60_000,
    });
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    expect(chunks.every((chunk) => chunk.cutAtSilence)).toBe(true);
    expect(server.received.map((r) => r.status).every((status) => status === 200)).toBe(true);
    expect(server.largestBodyBytes()).toBeLessThanOrEqual(limit);
    expect(largestUploadBytes).toBeLessThanOrEqual(limit);
    expectSameWords(result.words, expected);
    expect(result.durationSeconds).toBeGreaterThan(expected.at(-1)!.end);
    expect(result.durationSeconds).toBeLessThanOrEqual(90);
    expect(await scratchLeft()).toEqual([]);
  });

  it("hard-cuts continuous speech with overlap: the word straddling each cut is kept exactly once", async () => {
    const server = await fake({});
    const audio = path.join(workDir, "continuous.wav");
    const expected = await writeToneRecording(audio, toneSpeech(80));
    const { result, chunks } = await transcribeInChunks({
      provider: transcriberFor(server.baseURL),
      ffmpegPath,
      filePath: audio,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      // 27.1 s chunks, 2 s shared at each cut: the seams (26.1, 51.2, 76.3 s) all fall inside a 0.4 s tone.
      limits: { maxUploadBytes: 25 * 1024 * 1024, maxChunkSeconds: 27.1, format: "mp3", concurrency: 3 },
      workDir,
      ffmpegTimeoutMs: 60_000,
    });
    expect(chunks.length).toBe(4);
    expect(chunks.slice(0, -1).every((chunk) => !chunk.cutAtSilence)).toBe(true);
    const straddled = chunks
      .slice(0, -1)
      .filter((chunk) => expected.some((word) => word.start < chunk.seamEnd && word.end > chunk.seamEnd));
    expect(straddled.length).toBe(3);
    for (const request of server.received) expect(request.fileType).toBe("audio/mpeg");
    expectSameWords(result.words, expected);
  });

  it("retries a chunk that fails once, and fails the call with the provider's status when a chunk fails for good", async () => {
    const server = await fake({});
    const audio = path.join(workDir, "faulty.wav");
    const expected = await writeToneRecording(audio, toneSpeech(40, 6));
    const options = {
      provider: transcriberFor(server.baseURL),
      ffmpegPath,
      filePath: audio,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      limits: { maxUploadBytes: 25 * 1024 * 1024, maxChunkSeconds: 15, format: "flac" as const, concurrency: 1 },
      workDir,
      ffmpegTimeoutMs: 60_000,
    };
    server.failNext(1, 503);
    const retried = await transcribeInChunks(options);
    expectSameWords(retried.result.words, expected);
    expect(server.received.filter((r) => r.status === 503)).toHaveLength(1);

    server.failNext(2, 429, { "retry-after": "0" });
    const failure = await transcribeInChunks(options).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({
      code: "transcription_rate_limited",
      retryable: true,
      httpStatus: 429,
      retryAfterSeconds: 0,
    });
    expect(await scratchLeft()).toEqual([]);
  });

  it("reports OpenAI's 413 as a permanent failure with its status", async () => {
    const server = await fake({ maxBodyBytes: 10_000 });
    const audio = path.join(workDir, "big.wav");
    await writeToneRecording(audio, toneSpeech(10, 5));
    const failure = await transcribeInChunks({
      provider: transcriberFor(server.baseURL),
      ffmpegPath,
      filePath: audio,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      // Misconfigured: we think the provider takes more than it does.
      limits: { maxUploadBytes: 25 * 1024 * 1024, maxChunkSeconds: null, format: "wav", concurrency: 1 },
      workDir,
      ffmpegTimeoutMs: 60_000,
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: "transcription_audio_too_large", retryable: false, httpStatus: 413 });
    expect(server.received.map((r) => r.status)).toEqual([413]);
  });

  it.each(["speaches", "whisper.cpp"] as const)("reads %s's verbose_json", async (flavor) => {
    const server = await fake({ flavor });
    const audio = path.join(workDir, `${flavor}.wav`);
    const expected = await writeToneRecording(audio, toneSpeech(12, 4));
    const { result } = await transcribeInChunks({
      provider: transcriberFor(server.baseURL),
      ffmpegPath,
      filePath: audio,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      limits: { maxUploadBytes: 25 * 1024 * 1024, maxChunkSeconds: null, format: "flac", concurrency: 1 },
      workDir,
      ffmpegTimeoutMs: 60_000,
      language: "de",
    });
    expectSameWords(result.words, expected);
    expect(result.language).toBe("de");
    expect(result.segments.length).toBeGreaterThan(0);
  });
});
