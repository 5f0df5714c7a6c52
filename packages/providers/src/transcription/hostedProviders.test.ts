import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeForUpload } from "../audio/encodeForUpload";
import { locateFfmpeg } from "../audio/locateFfmpeg";
import { createTranscriptionSpeakerSource } from "../diarization/transcriptionSpeakerSource";
import { type FakeAssemblyAi, type FakeDeepgram, startFakeAssemblyAi, startFakeDeepgram } from "../testing";
import type { TranscriptionRequest } from "../types";
import { ProviderError } from "../types";
import { createAssemblyAiTranscriber } from "./assemblyAi";
import { createDeepgramTranscriber } from "./deepgram";
import { phrasesOf } from "./testing/fakeOpenAiTranscription";
import { type HeardWord, toneSpeech, writeToneRecording } from "./testing/toneRecognizer";

const API_KEY = "test-key-123";
let ffmpegPath: string;
let workDir: string;
let request: TranscriptionRequest;
let expected: HeardWord[];
let assemblyAi: FakeAssemblyAi;
let deepgram: FakeDeepgram;

beforeAll(async () => {
  ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await mkdtemp(path.join(tmpdir(), "hosted-test-"));
  const wav = path.join(workDir, "call.wav");
  // Phrases of 3 tones, 0.8 s apart: the fakes give alternate phrases to speakers A and B.
  expected = await writeToneRecording(wav, toneSpeech(14, 3));
  const flac = path.join(workDir, "call.flac");
  await encodeForUpload({ ffmpegPath, inputPath: wav, outputPath: flac, format: "flac", timeoutMs: 60_000 });
  request = {
    filePath: flac,
    fileName: "audio.flac",
    contentType: "audio/flac",
    language: "en",
    vocabulary: ["Ravi Kumar", "Scryon"],
  };
  assemblyAi = await startFakeAssemblyAi({ ffmpegPath, apiKey: API_KEY });
  deepgram = await startFakeDeepgram({ ffmpegPath, apiKey: API_KEY });
});
afterAll(async () => {
  await Promise.all([assemblyAi.close(), deepgram.close()]);
  await rm(workDir, { recursive: true, force: true });
});

/** Each phrase is one speaker's, alternating, and the diarization source turns them into turns. */
async function expectSpeakerLabelled(
  result: Awaited<ReturnType<ReturnType<typeof createDeepgramTranscriber>["transcribe"]>>,
  labels: [string, string],
) {
  expect(result.words.map((w) => w.text.replace(/\.$/, "").toLowerCase())).toEqual(expected.map((w) => w.text));
  const phrases = phrasesOf(expected);
  let index = 0;
  phrases.forEach((phrase, p) => {
    for (const _ of phrase) expect(result.words[index++]!.speaker).toBe(labels[p % 2]);
  });
  expect(result.segments).toHaveLength(phrases.length);
  const diarized = await createTranscriptionSpeakerSource().diarize({
    filePath: "",
    durationSeconds: null,
    transcription: result,
  });
  expect(diarized?.source).toBe("TRANSCRIPTION_PROVIDER");
  expect(diarized?.turns.map((t) => t.speaker)).toEqual(phrases.map((_, p) => labels[p % 2]));
}

describe("AssemblyAI (assemblyai SDK)", () => {
  const transcriber = () =>
    createAssemblyAiTranscriber({ apiKey: API_KEY, baseURL: assemblyAi.baseURL, pollIntervalMs: 10 });

  it("uploads, creates a transcript with speaker labels and hints, polls to completed, and keeps its speakers", async () => {
    const result = await transcriber().transcribe(request);
    expect(assemblyAi.polledStatuses.slice(-3)).toEqual(["queued", "processing", "completed"]);
    expect(assemblyAi.submitted.at(-1)).toMatchObject({
      speaker_labels: true,
      language_code: "en",
      keyterms_prompt: ["Ravi Kumar", "Scryon"],
    });
    expect(result).toMatchObject({ provider: "assemblyai", language: "en" });
    await expectSpeakerLabelled(result, ["A", "B"]);
    expect(result.words[0]!.start).toBeCloseTo(expected[0]!.start, 2);
  });

  it("fails for good when the transcript ends in status error, without echoing its reason", async () => {
    assemblyAi.failNextTranscript();
    const error = await transcriber()
      .transcribe(request)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: "transcription_failed", retryable: false });
    expect((error as Error).message).not.toMatch(/text\/plain/);
  });

  it("retries a 503 on upload once, and surfaces 429 with Retry-After and 401 with their status", async () => {
    assemblyAi.failNext(1, 503);
    await expect(transcriber().transcribe(request)).resolves.toMatchObject({ provider: "assemblyai" });

    assemblyAi.failNext(2, 429, { "retry-after": "0" });
    await expect(transcriber().transcribe(request)).rejects.toMatchObject({
      code: "transcription_rate_limited",
      retryable: true,
      httpStatus: 429,
      retryAfterSeconds: 0,
    });
    const wrongKey = createAssemblyAiTranscriber({ apiKey: "wrong", baseURL: assemblyAi.baseURL, pollIntervalMs: 10 });
    await expect(wrongKey.transcribe(request)).rejects.toMatchObject({
      code: "transcription_auth_failed",
      retryable: false,
      httpStatus: 401,
    });
  });
});

describe("Deepgram (@deepgram/sdk)", () => {
  const transcriber = () => createDeepgramTranscriber({ apiKey: API_KEY, baseURL: deepgram.baseURL });

  it("sends the audio with diarize, utterances, smart_format and keyterms, and keeps its speakers", async () => {
    const result = await transcriber().transcribe(request);
    const query = deepgram.queries.at(-1)!;
    expect(query.get("diarize")).toBe("true");
    expect(query.get("utterances")).toBe("true");
    expect(query.get("smart_format")).toBe("true");
    expect(query.get("model")).toBe("nova-3");
    expect(query.get("language")).toBe("en");
    expect(query.getAll("keyterm")).toEqual(["Ravi Kumar", "Scryon"]);
    expect(deepgram.contentTypes.at(-1)).toBe("audio/flac");
    expect(result).toMatchObject({ provider: "deepgram", model: "nova-3" });
    await expectSpeakerLabelled(result, ["speaker_0", "speaker_1"]);
  });

  it("surfaces 429 with Retry-After after one retry, and 401 as permanent", async () => {
    deepgram.failNext(2, 429, { "retry-after": "0" });
    await expect(transcriber().transcribe(request)).rejects.toMatchObject({
      code: "transcription_rate_limited",
      httpStatus: 429,
      retryAfterSeconds: 0,
    });
    const wrongKey = createDeepgramTranscriber({ apiKey: "wrong", baseURL: deepgram.baseURL });
    await expect(wrongKey.transcribe(request)).rejects.toMatchObject({
      code: "transcription_auth_failed",
      httpStatus: 401,
    });
  });
});
