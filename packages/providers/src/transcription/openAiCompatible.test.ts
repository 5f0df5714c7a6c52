import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { TranscriptionRequest } from "../types";
import { ProviderError } from "../types";
import { createOpenAiCompatibleTranscriber } from "./openAiCompatible";

/** What the fake server saw of one multipart `POST /v1/audio/transcriptions`. */
interface ReceivedTranscription {
  path: string;
  authorization: string | undefined;
  fields: Record<string, string[]>;
  fileName: string;
  fileType: string;
  fileSha256: string;
}

type Responder = (res: ServerResponse, received: ReceivedTranscription) => void;

const API_KEY = "sk-test-key";
const RECORDED_ANSWER = new URL("../../../../fixtures/calls/support-call/transcription.verbose.json", import.meta.url);

let workDir: string;
let audioPath: string;
let audioSha256: string;
let server: Server;
let baseURL: string;
let responders: Responder[];
let received: ReceivedTranscription[];

async function readMultipart(req: IncomingMessage): Promise<ReceivedTranscription> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  // Parse with the platform's multipart parser, exactly as a server framework would.
  const form = await new Request("http://127.0.0.1/", {
    method: "POST",
    headers: { "content-type": req.headers["content-type"] ?? "" },
    body: Buffer.concat(chunks),
  }).formData();
  const fields: Record<string, string[]> = {};
  let file: File | undefined;
  for (const [key, value] of form.entries()) {
    if (typeof value === "string") (fields[key] ??= []).push(value);
    else file = value;
  }
  if (!file) throw new Error("no file part");
  return {
    path: req.url ?? "",
    authorization: req.headers.authorization,
    fields,
    fileName: file.name,
    fileType: file.type,
    fileSha256: createHash("sha256")
      .update(Buffer.from(await file.arrayBuffer()))
      .digest("hex"),
  };
}

function json(status: number, body: unknown): (res: ServerResponse) => void {
  return (res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
}

const openAiError = (status: number, message: string, code: string | null) =>
  json(status, { error: { message, type: "invalid_request_error", param: null, code } });

const VERBOSE_JSON = {
  task: "transcribe",
  language: "english",
  duration: 4.2,
  text: " Hello there. Hi, how can I help?",
  words: [
    { word: " Hello", start: 0.0, end: 0.4 },
    { word: " there.", start: 0.4, end: 0.9 },
    { word: " Hi,", start: 1.5, end: 1.7 },
    { word: " how", start: 1.7, end: 1.9 },
    { word: " can", start: 1.9, end: 2.1 },
    { word: " I", start: 2.1, end: 2.2 },
    { word: " help?", start: 2.2, end: 2.6 },
  ],
  segments: [
    {
      id: 0,
      seek: 0,
      start: 0.0,
      end: 0.9,
      text: " Hello there.",
      tokens: [50364, 2425],
      temperature: 0,
      avg_logprob: -0.2,
      compression_ratio: 0.9,
      no_speech_prob: 0.01,
    },
    {
      id: 1,
      seek: 0,
      start: 1.5,
      end: 2.6,
      text: " Hi, how can I help?",
      tokens: [50439, 2421],
      temperature: 0,
      avg_logprob: -0.3,
      compression_ratio: 0.9,
      no_speech_prob: 0.02,
    },
  ],
  usage: { type: "duration", seconds: 5 },
};

function request(overrides: Partial<TranscriptionRequest> = {}): TranscriptionRequest {
  return { filePath: audioPath, fileName: "audio.wav", contentType: "audio/wav", ...overrides };
}

async function expectProviderError(promise: Promise<unknown>, code: string, retryable: boolean): Promise<void> {
  const error = await promise.then(
    () => {
      throw new Error(`expected ${code}, got a result`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ProviderError);
  expect((error as ProviderError).code).toBe(code);
  expect((error as ProviderError).retryable).toBe(retryable);
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "scryon-transcription-"));
  audioPath = join(workDir, "call.wav");
  // Big enough to span many chunks, random so any corruption changes the hash.
  const audio = randomBytes(512 * 1024 + 123);
  audioSha256 = createHash("sha256").update(audio).digest("hex");
  await writeFile(audioPath, audio);
});

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

// A fresh server (and port) per test, so no keep-alive socket outlives the test that opened it.
beforeEach(async () => {
  responders = [];
  received = [];
  server = createServer((req, res) => {
    readMultipart(req).then(
      (transcription) => {
        received.push(transcription);
        const respond = responders.shift();
        if (!respond) return json(500, { error: { message: "no responder left" } })(res);
        respond(res, transcription);
      },
      () => json(400, { error: { message: "unparseable multipart" } })(res),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createOpenAiCompatibleTranscriber", () => {
  it("streams the file as multipart verbose_json with word and segment granularity and maps the answer", async () => {
    responders = [json(200, VERBOSE_JSON)];
    const transcriber = createOpenAiCompatibleTranscriber({
      baseURL,
      apiKey: API_KEY,
      model: "whisper-1",
      language: "English",
    });

    const result = await transcriber.transcribe(request());

    expect(received).toHaveLength(1);
    const sent = received[0]!;
    expect(sent.path).toBe("/v1/audio/transcriptions");
    expect(sent.authorization).toBe(`Bearer ${API_KEY}`);
    expect(sent.fields.model).toEqual(["whisper-1"]);
    expect(sent.fields.response_format).toEqual(["verbose_json"]);
    expect(sent.fields["timestamp_granularities[]"]).toEqual(["word", "segment"]);
    expect(sent.fields.language).toEqual(["en"]);
    expect(sent.fileName).toBe("audio.wav");
    expect(sent.fileType).toBe("audio/wav");
    expect(sent.fileSha256).toBe(audioSha256);

    expect(result).toEqual({
      language: "en",
      durationSeconds: 4.2,
      text: "Hello there. Hi, how can I help?",
      words: [
        { text: "Hello", start: 0.0, end: 0.4 },
        { text: "there.", start: 0.4, end: 0.9 },
        { text: "Hi,", start: 1.5, end: 1.7 },
        { text: "how", start: 1.7, end: 1.9 },
        { text: "can", start: 1.9, end: 2.1 },
        { text: "I", start: 2.1, end: 2.2 },
        { text: "help?", start: 2.2, end: 2.6 },
      ],
      segments: [
        { text: "Hello there.", start: 0.0, end: 0.9 },
        { text: "Hi, how can I help?", start: 1.5, end: 2.6 },
      ],
      provider: "openai-compatible",
      model: "whisper-1",
    });
    expect(transcriber.name).toBe("openai-compatible");
    expect(transcriber.model).toBe("whisper-1");
  });

  it("maps a recorded OpenAI verbose_json answer of a whole call", async () => {
    const recorded = JSON.parse(await readFile(RECORDED_ANSWER, "utf8")) as {
      duration: number;
      words: Array<{ word: string; start: number; end: number }>;
      segments: unknown[];
    };
    responders = [json(200, recorded)];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    const result = await transcriber.transcribe(request());

    expect(result.language).toBe("en");
    expect(result.durationSeconds).toBe(recorded.duration);
    expect(result.words).toHaveLength(recorded.words.length);
    expect(result.words[0]).toEqual({
      text: recorded.words[0]!.word,
      start: recorded.words[0]!.start,
      end: recorded.words[0]!.end,
    });
    expect(result.segments).toHaveLength(recorded.segments.length);
    expect(result.text.startsWith("Brightline support, this is Alice.")).toBe(true);
  });

  it("keeps speaker labels and confidences that self-hosted servers add to words and segments", async () => {
    responders = [
      json(200, {
        language: "de",
        duration: 2,
        text: "Hallo. Guten Tag.",
        words: [
          { word: "Hallo.", start: 0.1, end: 0.5, probability: 0.93, speaker: "SPEAKER_00" },
          { word: "Guten", start: 1.0, end: 1.3, probability: 0.88, speaker_id: 1 },
          { word: "Tag.", start: 1.3, end: 1.6, confidence: 0.9, speaker_label: "SPEAKER_01" },
        ],
        segments: [
          { start: 0.1, end: 0.5, text: "Hallo.", speaker: "SPEAKER_00" },
          { start: 1.0, end: 1.6, text: "Guten Tag.", speaker: "SPEAKER_01" },
        ],
      }),
    ];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "large-v3" });

    const result = await transcriber.transcribe(request());

    expect(received[0]!.fields.language).toBeUndefined();
    expect(result.language).toBe("de");
    expect(result.words).toEqual([
      { text: "Hallo.", start: 0.1, end: 0.5, speaker: "SPEAKER_00", confidence: 0.93 },
      { text: "Guten", start: 1.0, end: 1.3, speaker: "1", confidence: 0.88 },
      { text: "Tag.", start: 1.3, end: 1.6, speaker: "SPEAKER_01", confidence: 0.9 },
    ]);
    expect(result.segments.map((segment) => segment.speaker)).toEqual(["SPEAKER_00", "SPEAKER_01"]);
  });

  it("asks a diarizing model for diarized_json and maps its speaker segments", async () => {
    responders = [
      json(200, {
        task: "transcribe",
        duration: 6.5,
        text: "Good morning, support. Hi, my order is late.",
        segments: [
          {
            type: "transcript.text.segment",
            id: "seg_0",
            start: 0.2,
            end: 1.9,
            text: "Good morning, support.",
            speaker: "A",
          },
          {
            type: "transcript.text.segment",
            id: "seg_1",
            start: 2.3,
            end: 4.8,
            text: "Hi, my order is late.",
            speaker: "B",
          },
        ],
        usage: { type: "tokens", input_tokens: 80, output_tokens: 20, total_tokens: 100 },
      }),
    ];
    const transcriber = createOpenAiCompatibleTranscriber({
      baseURL,
      apiKey: API_KEY,
      model: "gpt-4o-transcribe-diarize",
      language: "en",
    });

    const result = await transcriber.transcribe(request());

    const sent = received[0]!;
    expect(sent.fields.response_format).toEqual(["diarized_json"]);
    expect(sent.fields.chunking_strategy).toEqual(["auto"]);
    expect(sent.fields["timestamp_granularities[]"]).toBeUndefined();
    expect(sent.fileSha256).toBe(audioSha256);
    expect(result).toMatchObject({
      language: "en",
      durationSeconds: 6.5,
      words: [],
      segments: [
        { text: "Good morning, support.", start: 0.2, end: 1.9, speaker: "A" },
        { text: "Hi, my order is late.", start: 2.3, end: 4.8, speaker: "B" },
      ],
      model: "gpt-4o-transcribe-diarize",
    });
  });

  it("retries once after a 500 and returns the second answer", async () => {
    responders = [
      openAiError(500, "The server had an error while processing your request.", null),
      json(200, VERBOSE_JSON),
    ];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    const result = await transcriber.transcribe(request());

    expect(received).toHaveLength(2);
    expect(received[1]!.fileSha256).toBe(audioSha256);
    expect(result.words).toHaveLength(7);
  });

  it("gives up after exactly two 500s with transcription_unavailable", async () => {
    responders = [openAiError(500, "boom", null), openAiError(502, "bad gateway", null), json(200, VERBOSE_JSON)];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    await expectProviderError(transcriber.transcribe(request()), "transcription_unavailable", true);
    expect(received).toHaveLength(2);
  });

  it("fails a 401 with transcription_auth_failed and does not retry", async () => {
    responders = [
      openAiError(401, "Incorrect API key provided: sk-test***.", "invalid_api_key"),
      json(200, VERBOSE_JSON),
    ];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    await expectProviderError(transcriber.transcribe(request()), "transcription_auth_failed", false);
    expect(received).toHaveLength(1);
  });

  it("fails a 400 with transcription_http_4xx and does not retry", async () => {
    responders = [openAiError(400, "Invalid file format.", null), json(200, VERBOSE_JSON)];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    await expectProviderError(transcriber.transcribe(request()), "transcription_http_4xx", false);
    expect(received).toHaveLength(1);
  });

  it("fails an unparseable JSON body with transcription_invalid_response", async () => {
    responders = [
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"text": "Hello", "words": [');
      },
      json(200, VERBOSE_JSON),
    ];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    await expectProviderError(transcriber.transcribe(request()), "transcription_invalid_response", false);
    expect(received).toHaveLength(1);
  });

  it("fails JSON of the wrong shape with transcription_invalid_response", async () => {
    responders = [json(200, { text: "Hello", words: [{ word: "Hello", start: "zero", end: 1 }] })];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    await expectProviderError(transcriber.transcribe(request()), "transcription_invalid_response", false);
  });

  it("treats a connection destroyed mid-response as unavailable, retrying once", async () => {
    const destroyMidBody: Responder = (res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "5000" });
      res.write('{"language":"english","text":"Hel');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    responders = [destroyMidBody, json(200, VERBOSE_JSON)];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });
    expect((await transcriber.transcribe(request())).text).toBe("Hello there. Hi, how can I help?");
    expect(received).toHaveLength(2);

    received = [];
    responders = [destroyMidBody, destroyMidBody];
    await expectProviderError(transcriber.transcribe(request()), "transcription_unavailable", true);
    expect(received).toHaveLength(2);
  });

  it("times out a server that never finishes, once per attempt", async () => {
    const neverFinish: Responder = (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.write('{"text": "slow');
    };
    responders = [neverFinish, neverFinish];
    const transcriber = createOpenAiCompatibleTranscriber({
      baseURL,
      apiKey: API_KEY,
      model: "whisper-1",
      timeoutMs: 300,
    });

    const started = Date.now();
    await expectProviderError(transcriber.transcribe(request()), "transcription_timeout", true);
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops at once when the caller aborts, without retrying", async () => {
    responders = [() => {}, json(200, VERBOSE_JSON)];
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);

    await expectProviderError(
      transcriber.transcribe(request({ signal: controller.signal })),
      "transcription_aborted",
      false,
    );
    expect(received).toHaveLength(1);
  });

  it("reports an unreadable audio file without calling the server", async () => {
    const transcriber = createOpenAiCompatibleTranscriber({ baseURL, apiKey: API_KEY, model: "whisper-1" });

    await expectProviderError(
      transcriber.transcribe(request({ filePath: join(workDir, "missing.wav") })),
      "transcription_file_unreadable",
      false,
    );
    expect(received).toHaveLength(0);
  });
});
