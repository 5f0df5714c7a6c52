import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateFfmpeg } from "../audio/locateFfmpeg";
import { type FakeDeepgram, startFakeDeepgram } from "../testing";
import type { TranscriptionRequest } from "../types";
import { createDeepgramTranscriber } from "./deepgram";
import { toneSpeech, writeToneRecording } from "./testing/toneRecognizer";

const API_KEY = "deepgram-key";
let workDir: string;
let wav: string;
let fake: FakeDeepgram;

beforeAll(async () => {
  const ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await mkdtemp(path.join(tmpdir(), "deepgram-hints-"));
  wav = path.join(workDir, "call.wav");
  await writeToneRecording(wav, toneSpeech(4, 2));
  fake = await startFakeDeepgram({ ffmpegPath, apiKey: API_KEY });
});
afterAll(async () => {
  await fake.close();
  await rm(workDir, { recursive: true, force: true });
});

const transcribe = (model: string | null, hints: Partial<TranscriptionRequest>) =>
  createDeepgramTranscriber({ apiKey: API_KEY, baseURL: fake.baseURL, model }).transcribe({
    filePath: wav,
    fileName: "audio.wav",
    contentType: "audio/wav",
    ...hints,
  });

describe("Deepgram hints: language and keyterm / keywords", () => {
  it("sends the language and, on Nova-3, each term as a keyterm (phrases kept whole)", async () => {
    const result = await transcribe(null, { language: "pt-BR", vocabulary: ["Ravi Kumar", "Scryon"] });
    const query = fake.queries.at(-1)!;
    expect(query.get("model")).toBe("nova-3");
    expect(query.getAll("language")).toEqual(["pt"]);
    expect(query.get("detect_language")).toBeNull();
    expect(query.getAll("keyterm")).toEqual(["Ravi Kumar", "Scryon"]);
    expect(query.getAll("keywords")).toEqual([]);
    expect(result.language).toBe("pt");
  });

  it("on Nova-2 sends keywords, one word each, without keyterm", async () => {
    await transcribe("nova-2", { vocabulary: ["Ravi Kumar", "Scryon", "ravi", "Ravi"] });
    const query = fake.queries.at(-1)!;
    expect(query.getAll("keywords")).toEqual(["Ravi", "Kumar", "Scryon"]);
    expect(query.getAll("keyterm")).toEqual([]);
  });

  it("detects the language and sends no terms without hints", async () => {
    await transcribe(null, {});
    const query = fake.queries.at(-1)!;
    expect(query.get("detect_language")).toBe("true");
    expect(query.get("language")).toBeNull();
    expect(query.getAll("keyterm")).toEqual([]);
  });

  it("keeps at most 100 keyterms", async () => {
    const vocabulary = Array.from({ length: 120 }, (_, i) => `T${i}`);
    await transcribe("nova-3", { vocabulary });
    expect(fake.queries.at(-1)!.getAll("keyterm")).toEqual(vocabulary.slice(0, 100));
  });

  it("the fake answers like Deepgram: keyterm on Nova-2 and a phrase as a keyword are 400s", async () => {
    const listen = (query: string) =>
      fetch(`${fake.baseURL}/v1/listen?${query}`, {
        method: "POST",
        headers: { authorization: `Token ${API_KEY}`, "content-type": "audio/wav" },
        body: new Uint8Array(8),
      });
    const keyterm = await listen("model=nova-2&keyterm=Scryon");
    expect(keyterm.status).toBe(400);
    expect(await keyterm.json()).toMatchObject({ err_msg: expect.stringContaining("keywords") });
    expect((await listen("model=nova-2&keywords=Ravi%20Kumar")).status).toBe(400);
    expect((await listen("model=nova-3&keywords=Scryon")).status).toBe(400);
  });
});
