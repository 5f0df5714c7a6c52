/**
 * Per-call transcription hints (docs/contract.md § Upload metadata): the language and vocabulary given in
 * the upload's metadata, in each form the route takes, reach the provider in its own request format, with
 * the contact's and the user's names added; a bad hint is a 400 that stores nothing.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { locateFfmpeg } from "@scryon/providers";
import {
  type FakeDeepgram,
  type FakeOpenAiTranscription,
  startFakeDeepgram,
  startFakeOpenAiTranscription,
  toneSpeech,
  writeToneRecording,
} from "@scryon/providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, listStoredObjects, startTestServer, type TestServer, waitForTerminal } from "./harness";

let ffmpegPath: string;
let workDir: string;
let wav: Buffer;
let openai: FakeOpenAiTranscription;
let server: TestServer;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  ffmpegPath = (await locateFfmpeg())!.path;
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), "hints-e2e-"));
  const recording = path.join(workDir, "call.wav");
  await writeToneRecording(recording, toneSpeech(6, 3));
  wav = await fs.readFile(recording);
  openai = await startFakeOpenAiTranscription({ ffmpegPath, apiKey: "sk-local" });
  closers.push(() => openai.close());
  server = await startTestServer({
    SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
    TRANSCRIPTION_BASE_URL: openai.baseURL,
    TRANSCRIPTION_API_KEY: "sk-local",
    // The configured default term, added after the call's own.
    TRANSCRIPTION_VOCABULARY: "Acme Corp",
    // A transient provider fault is retried soon (docs/contract.md § Pipeline).
    SCRYON_PROVIDER_RETRY_BASE_SECONDS: "0.05",
  });
  closers.push(() => server.close());
});
afterAll(async () => {
  for (const close of closers.reverse()) await close();
  await fs.rm(workDir, { recursive: true, force: true });
});

type MetadataForm = "text field" | "application/json part" | "file part";

/** The multipart body as clients write it, so each form of the `metadata` part is exactly what is sent. */
async function upload(target: TestServer, metadata: unknown, form: MetadataForm) {
  const boundary = `----hints${randomUUID().replace(/-/g, "")}`;
  const json = JSON.stringify(metadata);
  const disposition = form === "file part" ? '; filename="meta.json"' : "";
  const type = form === "text field" ? "" : "Content-Type: application/json\r\n";
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"${disposition}\r\n${type}\r\n`),
    Buffer.from(json, "utf8"),
    Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="call.wav"\r\n`),
    Buffer.from("Content-Type: audio/wav\r\n\r\n"),
    wav,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const response = await fetch(`${target.url}/api/calls/analyze`, {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

const forms: MetadataForm[] = ["text field", "application/json part", "file part"];

describe("per-call transcription hints through the upload", () => {
  it.each(forms)("as a %s: the provider hears the language and the terms, then the names", async (form) => {
    const before = openai.received.length;
    const response = await upload(
      server,
      {
        contactName: "Ravi Kumar",
        language: "pt-br",
        vocabulary: [" Scryon ", "scryon", "Priya Natarajan", ""],
      },
      form,
    );
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    const callId = response.body.callId as string;
    expect(await waitForTerminal(server.url, callId, {}, 60_000)).toBe("COMPLETED");

    const sent = openai.received.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.status).toBe(200);
    // OpenAI takes ISO-639-1: "pt-BR" goes as "pt"; the vocabulary as a comma list in `prompt`, the
    // call's terms first, then the configured one, then the contact's and the user's names.
    expect(sent[0]!.fields.language).toEqual(["pt"]);
    expect(sent[0]!.fields.prompt).toEqual(["Scryon, Priya Natarajan, Acme Corp, Ravi Kumar, Local Developer."]);

    const detail = await getJson(`${server.url}/api/calls/${callId}`);
    expect(detail.body).toMatchObject({ language: "pt-BR", vocabulary: ["Scryon", "Priya Natarajan"] });
  });

  it("without hints the server detects the language, and the names still go along", async () => {
    const before = openai.received.length;
    const response = await upload(server, { contactName: "Asha" }, "text field");
    expect(response.status).toBe(202);
    expect(await waitForTerminal(server.url, response.body.callId, {}, 60_000)).toBe("COMPLETED");
    const sent = openai.received.slice(before);
    expect(sent[0]!.fields.language).toBeUndefined();
    expect(sent[0]!.fields.prompt).toEqual(["Acme Corp, Asha, Local Developer."]);
    const detail = await getJson(`${server.url}/api/calls/${response.body.callId}`);
    expect(detail.body).not.toHaveProperty("language");
    expect(detail.body).not.toHaveProperty("vocabulary");
  });

  it("the hints survive the call being retried after a transient provider fault", async () => {
    const before = openai.received.length;
    // The request and its one immediate retry fail: the call waits and transcribes again later.
    openai.failNext(2, 503);
    const response = await upload(server, { language: "hi", vocabulary: ["Scryon"] }, "text field");
    expect(response.status).toBe(202);
    expect(await waitForTerminal(server.url, response.body.callId, {}, 60_000)).toBe("COMPLETED");
    const sent = openai.received.slice(before);
    expect(sent.map((request) => request.status)).toEqual([503, 503, 200]);
    expect(sent[2]!.fields).toMatchObject({ language: ["hi"], prompt: ["Scryon, Acme Corp, Local Developer."] });
  });

  it.each([
    ["an unknown language", { language: "klingon" }, "metadata.language"],
    ["a language name", { language: "english" }, "metadata.language"],
    ["a vocabulary that is not a list", { vocabulary: "Scryon" }, "metadata.vocabulary"],
    ["too many terms", { vocabulary: Array.from({ length: 101 }, (_, i) => `term ${i}`) }, "metadata.vocabulary"],
    ["a term over 50 characters", { vocabulary: ["x".repeat(51)] }, "metadata.vocabulary.0"],
  ])("%s is a 400 validation_failed naming the field, and nothing is stored", async (_label, metadata, field) => {
    const calls = (await getJson(`${server.url}/api/calls?limit=100`)).body!.items;
    for (const call of calls) await waitForTerminal(server.url, call.callId, {}, 60_000);
    const objects = (await listStoredObjects(server)).length;
    const requests = openai.received.length;

    const response = await upload(server, metadata, "application/json part");
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe("validation_failed");
    expect(response.body.error.details.fields).toEqual([expect.objectContaining({ path: field })]);
    expect((await getJson(`${server.url}/api/calls?limit=100`)).body!.items).toHaveLength(calls.length);
    expect((await listStoredObjects(server)).length).toBe(objects);
    expect(openai.received.length).toBe(requests);
  });
});

describe("per-call hints with a configured default language (Deepgram)", () => {
  let deepgram: FakeDeepgram;
  let dgServer: TestServer;

  beforeAll(async () => {
    deepgram = await startFakeDeepgram({ ffmpegPath, apiKey: "dg-key" });
    closers.push(() => deepgram.close());
    dgServer = await startTestServer({
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      TRANSCRIPTION_PROVIDER: "deepgram",
      TRANSCRIPTION_BASE_URL: deepgram.baseURL,
      TRANSCRIPTION_API_KEY: "dg-key",
      TRANSCRIPTION_LANGUAGE: "en",
    });
    closers.push(() => dgServer.close());
  });

  it("the call's language wins over the default; its terms and names go as Nova-3 keyterms", async () => {
    const response = await upload(
      dgServer,
      { contactName: "Ravi Kumar", language: "hi", vocabulary: ["Scryon"] },
      "file part",
    );
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    expect(await waitForTerminal(dgServer.url, response.body.callId, {}, 60_000)).toBe("COMPLETED");
    const query = deepgram.queries.at(-1)!;
    expect(query.getAll("language")).toEqual(["hi"]);
    expect(query.getAll("keyterm")).toEqual(["Scryon", "Ravi Kumar", "Local Developer"]);
  });

  it("with a full vocabulary the names still fit: the call's last terms give way", async () => {
    const vocabulary = Array.from({ length: 100 }, (_, i) => `T${i}`);
    const response = await upload(dgServer, { contactName: "Ravi Kumar", vocabulary }, "text field");
    expect(response.status).toBe(202);
    expect(await waitForTerminal(dgServer.url, response.body.callId, {}, 60_000)).toBe("COMPLETED");
    expect(deepgram.queries.at(-1)!.getAll("keyterm")).toEqual([
      ...vocabulary.slice(0, 98),
      "Ravi Kumar",
      "Local Developer",
    ]);
  });

  it("a call without a language uses the configured default", async () => {
    const response = await upload(dgServer, {}, "text field");
    expect(response.status).toBe(202);
    expect(await waitForTerminal(dgServer.url, response.body.callId, {}, 60_000)).toBe("COMPLETED");
    const query = deepgram.queries.at(-1)!;
    expect(query.getAll("language")).toEqual(["en"]);
    expect(query.get("detect_language")).toBeNull();
    expect(query.getAll("keyterm")).toEqual(["Local Developer"]);
  });
});
