import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { locateFfmpeg } from "@scryon/providers";
import {
  startFakeAssemblyAi,
  startFakeDeepgram,
  startFakeOpenAiTranscription,
  toneSpeech,
  writeToneRecording,
} from "@scryon/providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, startTestServer, type TestServer, uploadFile, waitForTerminal } from "./harness";

let ffmpegPath: string;
let workDir: string;
let recording: string;
let wordCount: number;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "providers-e2e-"));
  recording = path.join(workDir, "call.wav");
  // 30 s of "speech": phrases of 4 words, which the fakes give to two alternating speakers.
  wordCount = (await writeToneRecording(recording, toneSpeech(30, 4))).length;
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await fs.rm(workDir, { recursive: true, force: true });
});

async function serverWith(env: Record<string, string>): Promise<TestServer> {
  // Preprocessing off: the tone recording is already clean, and the test stays fast.
  const server = await startTestServer({ SCRYON_AUDIO_PREPROCESSING_ENABLED: "false", ...env });
  closers.push(() => server.close());
  return server;
}

async function processCall(server: TestServer) {
  const upload = await uploadFile(server.url, recording, {
    metadata: { contactName: "Ravi Kumar", direction: "OUTGOING" },
  });
  expect(upload.status).toBe(202);
  const callId = upload.body.callId as string;
  expect(await waitForTerminal(server.url, callId, {}, 60_000)).toBe("COMPLETED");
  const { body } = await getJson(`${server.url}/api/calls/${callId}/transcript`);
  return body as {
    segments: Array<{ text: string; startSeconds: number; endSeconds: number; speakerId: string }>;
    speakers: unknown[];
    pipeline: { transcription: { provider: string }; diarization: { source: string } };
  };
}

function spokenWords(transcript: Awaited<ReturnType<typeof processCall>>) {
  return transcript.segments.flatMap((segment) => segment.text.split(/\s+/).filter((w) => /tone/i.test(w)));
}

describe("transcription providers, end to end", () => {
  it("an OpenAI-compatible server that refuses bodies over the limit: the call is chunked and completes", async () => {
    const limit = 384 * 1024;
    const openai = await startFakeOpenAiTranscription({ ffmpegPath, apiKey: "sk-local", maxBodyBytes: limit });
    closers.push(() => openai.close());
    const server = await serverWith({
      TRANSCRIPTION_BASE_URL: openai.baseURL,
      TRANSCRIPTION_API_KEY: "sk-local",
      TRANSCRIPTION_MAX_UPLOAD_BYTES: String(limit),
      TRANSCRIPTION_AUDIO_FORMAT: "wav",
    });
    const transcript = await processCall(server);
    expect(openai.received.length).toBeGreaterThan(1);
    expect(openai.received.every((r) => r.status === 200 && r.bodyBytes <= limit)).toBe(true);
    // The contact's name went along as the vocabulary prompt.
    expect(openai.received[0]!.fields.prompt?.[0]).toContain("Ravi Kumar");
    expect(spokenWords(transcript)).toHaveLength(wordCount);
    const starts = transcript.segments.map((s) => s.startSeconds);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it("AssemblyAI: completes with its speaker labels as the diarization", async () => {
    const assemblyAi = await startFakeAssemblyAi({ ffmpegPath, apiKey: "aai-key" });
    closers.push(() => assemblyAi.close());
    const server = await serverWith({
      TRANSCRIPTION_PROVIDER: "assemblyai",
      TRANSCRIPTION_BASE_URL: assemblyAi.baseURL,
      TRANSCRIPTION_API_KEY: "aai-key",
      TRANSCRIPTION_POLL_INTERVAL_SECONDS: "0.05",
    });
    const transcript = await processCall(server);
    expect(assemblyAi.submitted[0]).toMatchObject({
      speaker_labels: true,
      keyterms_prompt: expect.arrayContaining(["Ravi Kumar"]),
    });
    expect(transcript.pipeline.transcription.provider).toBe("assemblyai");
    expect(transcript.pipeline.diarization.source).toBe("TRANSCRIPTION_PROVIDER");
    expect(transcript.speakers).toHaveLength(2);
    expect(spokenWords(transcript)).toHaveLength(wordCount);
  });

  it("Deepgram: completes with its speaker labels as the diarization", async () => {
    const deepgram = await startFakeDeepgram({ ffmpegPath, apiKey: "dg-key" });
    closers.push(() => deepgram.close());
    const server = await serverWith({
      TRANSCRIPTION_PROVIDER: "deepgram",
      TRANSCRIPTION_BASE_URL: deepgram.baseURL,
      TRANSCRIPTION_API_KEY: "dg-key",
    });
    const transcript = await processCall(server);
    expect(deepgram.queries[0]!.get("diarize")).toBe("true");
    expect(transcript.pipeline.transcription.provider).toBe("deepgram");
    expect(transcript.pipeline.diarization.source).toBe("TRANSCRIPTION_PROVIDER");
    expect(transcript.speakers).toHaveLength(2);
    expect(spokenWords(transcript)).toHaveLength(wordCount);
  });
});
