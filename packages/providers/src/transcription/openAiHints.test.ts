import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { locateFfmpeg } from "../audio/locateFfmpeg";
import { type FakeOpenAiTranscription, startFakeOpenAiTranscription } from "../testing";
import type { TranscriptionRequest } from "../types";
import { transcribeInChunks } from "./chunkedTranscription";
import { estimateTokens } from "./hintLimits";
import { createOpenAiCompatibleTranscriber } from "./openAiCompatible";
import { toneSpeech, writeToneRecording } from "./testing/toneRecognizer";

let ffmpegPath: string;
let workDir: string;
let wav: string;
let server: FakeOpenAiTranscription;

beforeAll(async () => {
  ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await mkdtemp(path.join(tmpdir(), "openai-hints-"));
  wav = path.join(workDir, "call.wav");
  await writeToneRecording(wav, toneSpeech(6, 3));
});
beforeEach(async () => {
  await server?.close();
  server = await startFakeOpenAiTranscription({ ffmpegPath });
});
afterAll(async () => {
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

const transcriber = () =>
  createOpenAiCompatibleTranscriber({ baseURL: server.baseURL, apiKey: "k", model: "whisper-1" });
const request = (hints: Partial<TranscriptionRequest>): TranscriptionRequest => ({
  filePath: wav,
  fileName: "audio.wav",
  contentType: "audio/wav",
  ...hints,
});

describe("OpenAI-compatible hints: `language` and `prompt` form fields", () => {
  it("sends the language as ISO-639-1 and the vocabulary as a comma list in `prompt`", async () => {
    const result = await transcriber().transcribe(
      request({ language: "pt-BR", vocabulary: ["Ravi Kumar", "Scryon", "Priya"] }),
    );
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.status).toBe(200);
    expect(server.received[0]!.fields.language).toEqual(["pt"]);
    expect(server.received[0]!.fields.prompt).toEqual(["Ravi Kumar, Scryon, Priya."]);
    expect(result.language).toBe("pt");
  });

  it("sends neither field without hints (the server then detects the language)", async () => {
    await transcriber().transcribe(request({}));
    expect(server.received[0]!.status).toBe(200);
    expect(server.received[0]!.fields.language).toBeUndefined();
    expect(server.received[0]!.fields.prompt).toBeUndefined();
  });

  it("cuts the prompt by whole terms to stay within Whisper's 224-token window", async () => {
    const vocabulary = Array.from({ length: 100 }, (_, i) => `Term${i} ${"x".repeat(40)}`);
    await transcriber().transcribe(request({ vocabulary }));
    const prompt = server.received[0]!.fields.prompt![0]!;
    expect(estimateTokens(prompt)).toBeLessThanOrEqual(224);
    const terms = prompt.replace(/\.$/, "").split(", ");
    expect(terms.length).toBeGreaterThan(3);
    expect(terms.length).toBeLessThan(100);
    // Whole terms, in order, from the first.
    expect(terms).toEqual(vocabulary.slice(0, terms.length));
  });

  it("sends no prompt to a diarization model, which refuses one, but still the language", async () => {
    const diarizer = createOpenAiCompatibleTranscriber({
      baseURL: server.baseURL,
      apiKey: "k",
      model: "gpt-4o-transcribe-diarize",
    });
    // Only the request matters here: the fake answers verbose_json, not the diarized_json this model reads.
    await diarizer.transcribe(request({ language: "en", vocabulary: ["Ravi Kumar"] })).catch(() => undefined);
    expect(server.received[0]!.fields.prompt).toBeUndefined();
    expect(server.received[0]!.fields.language).toEqual(["en"]);
    expect(server.received[0]!.status).not.toBe(400);
  });

  it("the fake answers like OpenAI: a language not in ISO-639-1 is a 400 naming the parameter", async () => {
    const form = new FormData();
    form.append("file", new Blob([Buffer.alloc(16)], { type: "audio/wav" }), "audio.wav");
    form.append("model", "whisper-1");
    form.append("language", "pt-BR");
    const response = await fetch(`${server.baseURL}/audio/transcriptions`, { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: "invalid_request_error", param: "language", message: expect.stringContaining("ISO-639-1") },
    });
  });

  it("gives every chunk of a long call the same language and prompt", async () => {
    const long = path.join(workDir, "long.wav");
    await writeToneRecording(long, toneSpeech(40, 4));
    const { chunks } = await transcribeInChunks({
      provider: transcriber(),
      ffmpegPath,
      filePath: long,
      fileName: "audio.wav",
      contentType: "audio/wav",
      durationSeconds: null,
      limits: { maxUploadBytes: 25 * 1024 * 1024, maxChunkSeconds: 12, format: "flac", concurrency: 2 },
      workDir,
      ffmpegTimeoutMs: 60_000,
      language: "hi",
      vocabulary: ["Ravi Kumar", "Asha"],
    });
    expect(chunks.length).toBeGreaterThan(1);
    expect(server.received).toHaveLength(chunks.length);
    for (const received of server.received) {
      expect(received.status).toBe(200);
      expect(received.fields.language).toEqual(["hi"]);
      expect(received.fields.prompt).toEqual(["Ravi Kumar, Asha."]);
    }
  });
});
