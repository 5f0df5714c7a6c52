import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateFfmpeg } from "../audio/locateFfmpeg";
import { type FakeAssemblyAi, startFakeAssemblyAi } from "../testing";
import type { TranscriptionRequest } from "../types";
import { createAssemblyAiTranscriber } from "./assemblyAi";
import { toneSpeech, writeToneRecording } from "./testing/toneRecognizer";

const API_KEY = "assemblyai-key";
let workDir: string;
let wav: string;
let fake: FakeAssemblyAi;

beforeAll(async () => {
  const ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await mkdtemp(path.join(tmpdir(), "assemblyai-hints-"));
  wav = path.join(workDir, "call.wav");
  await writeToneRecording(wav, toneSpeech(4, 2));
  fake = await startFakeAssemblyAi({ ffmpegPath, apiKey: API_KEY });
});
afterAll(async () => {
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
});

const transcribe = (model: string | null, hints: Partial<TranscriptionRequest>) =>
  createAssemblyAiTranscriber({ apiKey: API_KEY, baseURL: fake.baseURL, model, pollIntervalMs: 5 }).transcribe({
    filePath: wav,
    fileName: "audio.wav",
    contentType: "audio/wav",
    ...hints,
  });

describe("AssemblyAI hints: language_code and keyterms_prompt / word_boost", () => {
  it("sends a given language as language_code without detection, and the vocabulary as keyterms_prompt", async () => {
    const result = await transcribe(null, { language: "hi", vocabulary: ["Ravi Kumar", "Scryon"] });
    const body = fake.submitted.at(-1)!;
    expect(body).toMatchObject({ language_code: "hi", keyterms_prompt: ["Ravi Kumar", "Scryon"] });
    expect(body).not.toHaveProperty("language_detection");
    expect(body).not.toHaveProperty("word_boost");
    expect(result.language).toBe("hi");
  });

  it("reduces a regional tag to the language code AssemblyAI takes", async () => {
    await transcribe("universal", { language: "pt-BR" });
    expect(fake.submitted.at(-1)).toMatchObject({ language_code: "pt", speech_model: "universal" });
  });

  it("asks for detection and sends no terms without hints", async () => {
    await transcribe(null, {});
    const body = fake.submitted.at(-1)!;
    expect(body).toMatchObject({ language_detection: true });
    expect(body).not.toHaveProperty("language_code");
    expect(body).not.toHaveProperty("keyterms_prompt");
  });

  it("boosts with word_boost and boost_param on the legacy best and nano models", async () => {
    await transcribe("best", { vocabulary: ["Ravi Kumar", "Scryon"] });
    const body = fake.submitted.at(-1)!;
    expect(body).toMatchObject({ speech_model: "best", word_boost: ["Ravi Kumar", "Scryon"], boost_param: "high" });
    expect(body).not.toHaveProperty("keyterms_prompt");
  });

  it("leaves out a term of more than six words, which keyterms_prompt refuses", async () => {
    await transcribe("slam-1", { vocabulary: ["one two three four five six seven", "Scryon"] });
    expect(fake.submitted.at(-1)!.keyterms_prompt).toEqual(["Scryon"]);
  });

  it("the fake answers like AssemblyAI: word_boost on a current model and a long keyterm are 400s", async () => {
    const submit = (body: Record<string, unknown>) =>
      fetch(`${fake.baseURL}/v2/transcript`, {
        method: "POST",
        headers: { authorization: API_KEY, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const upload = await fetch(`${fake.baseURL}/v2/upload`, {
      method: "POST",
      headers: { authorization: API_KEY },
      body: new Uint8Array(8),
    });
    const { upload_url } = (await upload.json()) as { upload_url: string };
    const boosted = await submit({ audio_url: upload_url, speech_model: "universal", word_boost: ["Scryon"] });
    expect(boosted.status).toBe(400);
    expect(await boosted.json()).toEqual({ error: expect.stringContaining("word_boost") });
    const long = await submit({ audio_url: upload_url, keyterms_prompt: ["a b c d e f g"] });
    expect(long.status).toBe(400);
    const typed = await submit({ audio_url: upload_url, keyterms_prompt: "Scryon" });
    expect(typed.status).toBe(400);
  });
});
