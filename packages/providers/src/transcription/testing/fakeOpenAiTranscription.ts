import { createWriteStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { type HeardWord, recognizeTones } from "./toneRecognizer";

/** Which server is being imitated: each answers `verbose_json` in its own shape. */
export type OpenAiCompatibleFlavor = "openai" | "speaches" | "whisper.cpp";

export interface ReceivedTranscriptionRequest {
  authorization: string | undefined;
  bodyBytes: number;
  fields: Record<string, string[]>;
  fileName: string;
  fileType: string;
  fileBytes: number;
  /** What was heard in this upload (seconds from its start). */
  heard: HeardWord[];
  status: number;
}

export interface FakeOpenAiTranscriptionOptions {
  ffmpegPath: string;
  flavor?: OpenAiCompatibleFlavor;
  /** OpenAI refuses bodies over 25 MiB with a 413. */
  maxBodyBytes?: number;
  apiKey?: string;
}

export interface FakeOpenAiTranscription {
  /** `…/v1`, for TRANSCRIPTION_BASE_URL. */
  baseURL: string;
  received: ReceivedTranscriptionRequest[];
  /** The next `count` requests get this answer instead (5xx, 429 with Retry-After…). */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Largest request body seen, including refused ones. */
  largestBodyBytes(): number;
  close(): Promise<void>;
}

export const OPENAI_MAX_BODY_BYTES = 25 * 1024 * 1024;

/**
 * A real HTTP server speaking `POST /v1/audio/transcriptions` as OpenAI,
 * speaches (faster-whisper-server) or whisper.cpp's server (run with
 * `--inference-path /v1/audio/transcriptions`) answer it: multipart in, checked;
 * `verbose_json` out in that server's shape; OpenAI's 413 for a body over the
 * limit, counted as it streams in, before anything is parsed. What it "hears"
 * comes from the tone recogniser, so a test knows exactly what each upload holds.
 */
export async function startFakeOpenAiTranscription(
  options: FakeOpenAiTranscriptionOptions,
): Promise<FakeOpenAiTranscription> {
  const flavor = options.flavor ?? "openai";
  const maxBodyBytes = options.maxBodyBytes ?? OPENAI_MAX_BODY_BYTES;
  const scratch = await mkdtemp(path.join(tmpdir(), "fake-openai-"));
  const received: ReceivedTranscriptionRequest[] = [];
  const failures: Array<{ status: number; headers: Record<string, string> }> = [];
  let largest = 0;
  let sequence = 0;

  const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
    res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
  const error = (message: string, type: string, code: string | null = null) => ({
    error: { message, type, param: null, code },
  });

  const server = http.createServer(async (req, res) => {
    const id = ++sequence;
    const bodyPath = path.join(scratch, `body-${id}`);
    try {
      if (req.method !== "POST" || !req.url?.endsWith("/v1/audio/transcriptions")) {
        return json(res, 404, error(`Invalid URL (${req.method} ${req.url})`, "invalid_request_error"));
      }
      // Stream the body to disk, counting: a 2-hour call's requests never sit in memory.
      let bodyBytes = 0;
      let tooLarge = false;
      await pipeline(
        req,
        async function* (source) {
          for await (const chunk of source) {
            bodyBytes += (chunk as Buffer).length;
            if (bodyBytes > maxBodyBytes) tooLarge = true;
            if (!tooLarge) yield chunk;
          }
        },
        createWriteStream(bodyPath),
      );
      largest = Math.max(largest, bodyBytes);
      if (tooLarge) {
        received.push(emptyRecord(req, bodyBytes, 413));
        return json(
          res,
          413,
          error(`Maximum content size limit (${maxBodyBytes}) exceeded (${bodyBytes} bytes read)`, "server_error"),
        );
      }
      if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
        received.push(emptyRecord(req, bodyBytes, 401));
        return json(res, 401, error("Incorrect API key provided.", "invalid_request_error", "invalid_api_key"));
      }
      const failure = failures.shift();
      if (failure) {
        received.push(emptyRecord(req, bodyBytes, failure.status));
        return json(
          res,
          failure.status,
          error("The server had an error while processing your request.", "server_error"),
          failure.headers,
        );
      }
      const { readFile } = await import("node:fs/promises");
      const form = await new Request("http://local/", {
        method: "POST",
        headers: { "content-type": req.headers["content-type"] ?? "" },
        body: await readFile(bodyPath),
      }).formData();
      const fields: Record<string, string[]> = {};
      let file: File | null = null;
      for (const [key, value] of form.entries()) {
        if (typeof value === "string") (fields[key] ??= []).push(value);
        else file = value;
      }
      if (!file || !fields.model) {
        received.push(emptyRecord(req, bodyBytes, 400));
        return json(res, 400, error("you must provide a model and a file parameter", "invalid_request_error"));
      }
      const refusal = refuseHints(fields);
      if (refusal) {
        received.push({ ...emptyRecord(req, bodyBytes, 400), fields });
        return json(res, 400, {
          error: { message: refusal.message, type: "invalid_request_error", param: refusal.param, code: null },
        });
      }
      const audioPath = path.join(scratch, `audio-${id}${path.extname(file.name)}`);
      await writeFile(audioPath, Buffer.from(await file.arrayBuffer()));
      let heard: HeardWord[];
      try {
        heard = await recognizeTones(options.ffmpegPath, audioPath);
      } catch {
        received.push(emptyRecord(req, bodyBytes, 400));
        return json(res, 400, error("Invalid file format.", "invalid_request_error"));
      } finally {
        await rm(audioPath, { force: true });
      }
      received.push({
        authorization: req.headers.authorization,
        bodyBytes,
        fields,
        fileName: file.name,
        fileType: file.type,
        fileBytes: file.size,
        heard,
        status: 200,
      });
      const duration = heard.at(-1)?.end ?? 0;
      const language = fields.language?.[0];
      json(res, 200, verboseJson(flavor, heard, duration, language));
    } catch {
      res.destroy();
    } finally {
      await rm(bodyPath, { force: true });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    received,
    failNext(count, status, headers = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, headers });
    },
    largestBodyBytes: () => largest,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

/**
 * The hint fields as the real servers check them: `language` once and in ISO-639-1 (OpenAI refuses "pt-BR",
 * "english"), `prompt` once and never for a diarization model.
 */
function refuseHints(fields: Record<string, string[]>): { message: string; param: string } | null {
  for (const param of ["language", "prompt"]) {
    if ((fields[param]?.length ?? 0) > 1) return { message: `'${param}' was given more than once.`, param };
  }
  if (fields.prompt && /diarize/.test(fields.model?.[0] ?? ""))
    return { message: "Prompt is not supported for diarization models.", param: "prompt" };
  const language = fields.language?.[0];
  if (language !== undefined && !/^[a-z]{2}$/.test(language)) {
    return {
      message: `Invalid language '${language}'. Language parameter must be specified in ISO-639-1 format.`,
      param: "language",
    };
  }
  return null;
}

function emptyRecord(req: http.IncomingMessage, bodyBytes: number, status: number): ReceivedTranscriptionRequest {
  return {
    authorization: req.headers.authorization,
    bodyBytes,
    fields: {},
    fileName: "",
    fileType: "",
    fileBytes: 0,
    heard: [],
    status,
  };
}

/** Words grouped into phrases at gaps over half a second, as recognisers segment speech. */
export function phrasesOf(words: readonly HeardWord[]): HeardWord[][] {
  const phrases: HeardWord[][] = [];
  for (const word of words) {
    const current = phrases.at(-1);
    const last = current?.at(-1);
    if (current && last && word.start - last.end <= 0.5) current.push(word);
    else phrases.push([word]);
  }
  return phrases;
}

const LANGUAGE_NAMES: Record<string, string> = { en: "english", de: "german", fr: "french", es: "spanish" };

function verboseJson(flavor: OpenAiCompatibleFlavor, heard: HeardWord[], duration: number, language?: string) {
  const code = language ?? "en";
  const phrases = phrasesOf(heard);
  const text = phrases.map((phrase) => ` ${phrase.map((w) => w.text).join(" ")}`).join("");
  const segmentBase = (phrase: HeardWord[], id: number) => ({
    id,
    seek: 0,
    start: phrase[0]!.start,
    end: phrase.at(-1)!.end,
    text: ` ${phrase.map((w) => w.text).join(" ")}`,
    tokens: phrase.map((_, i) => 50_364 + i),
    temperature: 0,
    avg_logprob: -0.21,
    compression_ratio: 1.3,
    no_speech_prob: 0.01,
  });
  if (flavor === "openai") {
    // OpenAI: language as an English name, top-level words, segments without words.
    return {
      task: "transcribe",
      language: LANGUAGE_NAMES[code] ?? code,
      duration,
      text,
      words: heard.map((w) => ({ word: w.text, start: w.start, end: w.end })),
      segments: phrases.map(segmentBase),
    };
  }
  if (flavor === "speaches") {
    // speaches/faster-whisper-server: ISO code, words with probability, also inside segments.
    const word = (w: HeardWord) => ({ start: w.start, end: w.end, word: ` ${w.text}`, probability: 0.93 });
    return {
      task: "transcribe",
      language: code,
      duration,
      text,
      words: heard.map(word),
      segments: phrases.map((phrase, id) => ({ ...segmentBase(phrase, id), words: phrase.map(word) })),
    };
  }
  // whisper.cpp: no top-level words; each segment lists its tokens (a word split in two pieces here).
  return {
    task: "transcribe",
    language: LANGUAGE_NAMES[code] ?? code,
    duration,
    text,
    segments: phrases.map((phrase, id) => ({
      id,
      text: ` ${phrase.map((w) => w.text).join(" ")}`,
      start: phrase[0]!.start,
      end: phrase.at(-1)!.end,
      tokens: phrase.map((_, i) => 50_364 + i),
      words: phrase.flatMap((w) => {
        const middle = Math.round(((w.start + w.end) / 2) * 100) / 100;
        return [
          { word: ` ${w.text.slice(0, 4)}`, start: w.start, end: middle, t_dtw: -1, probability: 0.9 },
          { word: w.text.slice(4), start: middle, end: w.end, t_dtw: -1, probability: 0.9 },
        ];
      }),
      temperature: 0,
      avg_logprob: -0.25,
      no_speech_prob: 0.02,
    })),
    detected_language: LANGUAGE_NAMES[code] ?? code,
    detected_language_probability: 0.97,
    language_probabilities: { [code]: 0.97 },
  };
}
