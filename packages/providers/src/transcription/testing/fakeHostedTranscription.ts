import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { phrasesOf } from "./fakeOpenAiTranscription";
import { type HeardWord, recognizeTones } from "./toneRecognizer";

interface Failure {
  status: number;
  headers: Record<string, string>;
}

export interface FakeHostedOptions {
  ffmpegPath: string;
  apiKey: string;
}

interface Base {
  /** For TRANSCRIPTION_BASE_URL. */
  baseURL: string;
  /** The next `count` requests (any endpoint) get this status instead. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** Uploaded audio bytes, per request. */
  uploads: number[];
  close(): Promise<void>;
}

/** Phrases alternate between two speakers, like a two-party call. */
const speakerOfPhrase = (index: number) => index % 2;

async function receiveAudio(req: http.IncomingMessage, filePath: string): Promise<number> {
  let bytes = 0;
  await pipeline(
    req,
    async function* (source) {
      for await (const chunk of source) {
        bytes += (chunk as Buffer).length;
        yield chunk;
      }
    },
    createWriteStream(filePath),
  );
  return bytes;
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function closer(server: http.Server, scratch: string) {
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(scratch, { recursive: true, force: true });
  };
}

export interface FakeAssemblyAi extends Base {
  /** Bodies of `POST /v2/transcript`. */
  submitted: Array<Record<string, unknown>>;
  /** Every status a poll answered, in order. */
  polledStatuses: string[];
  /** The next transcript ends in `status: "error"`. */
  failNextTranscript(): void;
}

/**
 * A real HTTP server speaking AssemblyAI's v2 API as its docs describe it:
 * `POST /v2/upload` (raw bytes, `{upload_url}`), `POST /v2/transcript` (JSON,
 * answers `queued`), `GET /v2/transcript/{id}` (`queued` → `processing` →
 * `completed` or `error`), times in milliseconds, speakers "A"/"B" on words
 * and utterances, errors as `{"error": "…"}`.
 */
export async function startFakeAssemblyAi(options: FakeHostedOptions): Promise<FakeAssemblyAi> {
  const scratch = await mkdtemp(path.join(tmpdir(), "fake-assemblyai-"));
  const failures: Failure[] = [];
  const uploadsById = new Map<string, string>();
  const jobs = new Map<string, { polls: number; audio: string; fail: boolean; body: Record<string, unknown> }>();
  let failTranscript = false;
  const fake = {
    baseURL: "",
    uploads: [] as number[],
    submitted: [] as Array<Record<string, unknown>>,
    polledStatuses: [] as string[],
  };

  const transcriptObject = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
    id,
    status,
    audio_url: `https://cdn.assemblyai.com/upload/${id}`,
    language_code: null,
    speaker_labels: true,
    speech_model: null,
    text: null,
    words: null,
    utterances: null,
    confidence: null,
    audio_duration: null,
    error: undefined,
    ...extra,
  });

  const server = http.createServer(async (req, res) => {
    try {
      if (req.headers.authorization !== options.apiKey) {
        req.resume();
        return json(res, 401, { error: "Authentication error, API token missing/invalid" });
      }
      const failure = failures.shift();
      if (failure) {
        req.resume();
        return json(res, failure.status, { error: "Service temporarily unavailable" }, failure.headers);
      }
      const url = new URL(req.url ?? "/", "http://local");
      if (req.method === "POST" && url.pathname === "/v2/upload") {
        const id = randomUUID();
        const file = path.join(scratch, id);
        fake.uploads.push(await receiveAudio(req, file));
        const uploadUrl = `https://cdn.assemblyai.com/upload/${id}`;
        uploadsById.set(uploadUrl, file);
        return json(res, 200, { upload_url: uploadUrl });
      }
      if (req.method === "POST" && url.pathname === "/v2/transcript") {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
        fake.submitted.push(body);
        const audio = typeof body.audio_url === "string" ? uploadsById.get(body.audio_url) : undefined;
        if (!audio) return json(res, 400, { error: "Invalid audio_url" });
        const refusal = refuseAssemblyAiHints(body);
        if (refusal) return json(res, 400, { error: refusal });
        const id = randomUUID();
        jobs.set(id, { polls: 0, audio, fail: failTranscript, body });
        failTranscript = false;
        return json(res, 200, transcriptObject(id, "queued", { speaker_labels: body.speaker_labels ?? false }));
      }
      const poll = /^\/v2\/transcript\/([\w-]+)$/.exec(url.pathname);
      if (req.method === "GET" && poll) {
        const job = jobs.get(poll[1]!);
        if (!job) return json(res, 404, { error: "Transcript not found" });
        job.polls++;
        let answer: Record<string, unknown>;
        if (job.polls === 1) answer = transcriptObject(poll[1]!, "queued");
        else if (job.polls === 2) answer = transcriptObject(poll[1]!, "processing");
        else if (job.fail) {
          answer = transcriptObject(poll[1]!, "error", {
            error: "Transcoding failed. File does not appear to contain audio. File type is text/plain (ASCII text).",
          });
        } else {
          answer = completed(poll[1]!, await recognizeTones(options.ffmpegPath, job.audio), job.body);
        }
        fake.polledStatuses.push(String(answer.status));
        return json(res, 200, answer);
      }
      json(res, 404, { error: "Not found" });
    } catch {
      res.destroy();
    }
  });

  const completed = (id: string, heard: HeardWord[], body: Record<string, unknown>) => {
    const utterances = phrasesOf(heard).map((phrase, index) => {
      const speaker = speakerOfPhrase(index) === 0 ? "A" : "B";
      const words = phrase.map((w) => ({
        text: w.text,
        start: Math.round(w.start * 1000),
        end: Math.round(w.end * 1000),
        confidence: 0.95,
        speaker,
      }));
      return {
        confidence: 0.95,
        start: words[0]!.start,
        end: words.at(-1)!.end,
        text: phrase.map((w) => w.text).join(" "),
        words,
        speaker,
      };
    });
    return transcriptObject(id, "completed", {
      language_code: typeof body.language_code === "string" ? body.language_code : "en_us",
      speech_model: body.speech_model ?? "universal",
      text: utterances.map((u) => u.text).join(" "),
      words: utterances.flatMap((u) => u.words),
      utterances,
      confidence: 0.95,
      audio_duration: Math.round(heard.at(-1)?.end ?? 0),
    });
  };

  fake.baseURL = await listen(server);
  return Object.assign(fake, {
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, headers });
    },
    failNextTranscript() {
      failTranscript = true;
    },
    close: closer(server, scratch),
  });
}

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === "string");

/**
 * The hint fields of `POST /v2/transcript` as AssemblyAI documents them: `language_code` a code such as "en"
 * or "en_us"; `keyterms_prompt` (current models) up to 1,000 phrases of at most six words; `word_boost` and
 * `boost_param` only on the legacy `best` and `nano` models, which predate keyterms.
 */
function refuseAssemblyAiHints(body: Record<string, unknown>): string | null {
  const legacy = typeof body.speech_model === "string" && /^(best|nano)$/.test(body.speech_model);
  if (body.language_code !== undefined && body.language_code !== null) {
    if (typeof body.language_code !== "string" || !/^[a-z]{2,3}(_[a-z]{2})?$/.test(body.language_code))
      return "Invalid language_code";
  }
  if (body.keyterms_prompt !== undefined) {
    if (!isStringArray(body.keyterms_prompt)) return "keyterms_prompt must be a list of strings";
    if (legacy) return `keyterms_prompt is not supported with speech_model ${body.speech_model}`;
    if (body.keyterms_prompt.length > 1000) return "keyterms_prompt accepts at most 1000 terms";
    if (body.keyterms_prompt.some((term) => term.trim().split(/\s+/).length > 6))
      return "Each keyterms_prompt term can have at most 6 words";
  }
  if (body.word_boost !== undefined) {
    if (!isStringArray(body.word_boost)) return "word_boost must be a list of strings";
    if (!legacy) return "word_boost is not supported with this speech model; use keyterms_prompt";
  }
  if (body.boost_param !== undefined && !["low", "default", "high"].includes(String(body.boost_param)))
    return "boost_param must be one of low, default, high";
  return null;
}

export interface FakeDeepgram extends Base {
  /** Query parameters of each `POST /v1/listen`. */
  queries: URLSearchParams[];
  contentTypes: string[];
}

/**
 * The hint parameters of `POST /v1/listen` as Deepgram documents them: one `language` (a BCP-47 tag);
 * `keyterm` only on Nova-3 models (at most 100); `keywords` only on older models, each a single word with
 * an optional `:intensifier`.
 */
function refuseDeepgramHints(query: URLSearchParams): string | null {
  const model = query.get("model") ?? "base";
  const nova3 = /nova-3/.test(model);
  const languages = query.getAll("language");
  if (languages.length > 1) return "language may be given once";
  if (languages[0] !== undefined && !/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(languages[0]))
    return `No such language: ${languages[0]}`;
  const keyterms = query.getAll("keyterm");
  if (keyterms.length > 0 && !nova3) return `Keyterm Prompting is not available for model ${model}; use keywords`;
  if (keyterms.length > 100) return "At most 100 keyterms";
  const keywords = query.getAll("keywords");
  if (keywords.length > 0 && nova3) return "Keywords are not supported for Nova-3; use keyterm";
  if (keywords.some((keyword) => !/^[^\s:]+(:-?\d+(\.\d+)?)?$/.test(keyword)))
    return "Each keyword must be a single word, optionally with :intensifier";
  return null;
}

/**
 * A real HTTP server speaking Deepgram's pre-recorded `POST /v1/listen`: raw
 * audio body, options in the query, `Authorization: Token …`; it answers the
 * documented response (metadata, channels → alternatives → words with
 * `speaker` and `punctuated_word`, and `utterances` when asked), errors as
 * `{err_code, err_msg, request_id}`.
 */
export async function startFakeDeepgram(options: FakeHostedOptions): Promise<FakeDeepgram> {
  const scratch = await mkdtemp(path.join(tmpdir(), "fake-deepgram-"));
  const failures: Failure[] = [];
  const fake = { baseURL: "", uploads: [] as number[], queries: [] as URLSearchParams[], contentTypes: [] as string[] };
  const error = (code: string, message: string) => ({ err_code: code, err_msg: message, request_id: randomUUID() });

  const server = http.createServer(async (req, res) => {
    const file = path.join(scratch, randomUUID());
    try {
      const url = new URL(req.url ?? "/", "http://local");
      if (req.method !== "POST" || url.pathname !== "/v1/listen") {
        req.resume();
        return json(res, 404, error("NOT_FOUND", "Not found"));
      }
      if (req.headers.authorization !== `Token ${options.apiKey}`) {
        req.resume();
        return json(res, 401, error("INVALID_AUTH", "Invalid credentials."));
      }
      const failure = failures.shift();
      if (failure) {
        req.resume();
        return json(res, failure.status, error("TOO_MANY_REQUESTS", "Too many requests."), failure.headers);
      }
      fake.queries.push(url.searchParams);
      fake.contentTypes.push(req.headers["content-type"] ?? "");
      const refusal = refuseDeepgramHints(url.searchParams);
      if (refusal) {
        req.resume();
        return json(res, 400, error("Bad Request", refusal));
      }
      const bytes = await receiveAudio(req, file);
      fake.uploads.push(bytes);
      if (bytes === 0)
        return json(
          res,
          400,
          error("Bad Request", "Bad Request: failed to process audio: corrupt or unsupported data"),
        );
      const heard = await recognizeTones(options.ffmpegPath, file);
      const diarize = url.searchParams.get("diarize") === "true";
      const phrases = phrasesOf(heard);
      const wordsOf = (phrase: HeardWord[], index: number) =>
        phrase.map((w, i) => ({
          word: w.text,
          start: w.start,
          end: w.end,
          confidence: 0.97,
          ...(diarize && { speaker: speakerOfPhrase(index), speaker_confidence: 0.8 }),
          punctuated_word: i === phrase.length - 1 ? `${w.text[0]!.toUpperCase()}${w.text.slice(1)}.` : w.text,
        }));
      const words = phrases.flatMap(wordsOf);
      const duration = heard.at(-1)?.end ?? 0;
      json(res, 200, {
        metadata: {
          transaction_key: "deprecated",
          request_id: randomUUID(),
          sha256: "0".repeat(64),
          created: new Date().toISOString(),
          duration,
          channels: 1,
          models: [randomUUID()],
          model_info: {},
        },
        results: {
          channels: [
            {
              ...(url.searchParams.get("detect_language") === "true" && {
                detected_language: "en",
                language_confidence: 0.99,
              }),
              alternatives: [{ transcript: words.map((w) => w.punctuated_word).join(" "), confidence: 0.97, words }],
            },
          ],
          ...(url.searchParams.get("utterances") === "true" && {
            utterances: phrases.map((phrase, index) => ({
              start: phrase[0]!.start,
              end: phrase.at(-1)!.end,
              confidence: 0.97,
              channel: 0,
              transcript: wordsOf(phrase, index)
                .map((w) => w.punctuated_word)
                .join(" "),
              words: wordsOf(phrase, index),
              ...(diarize && { speaker: speakerOfPhrase(index) }),
              id: randomUUID(),
            })),
          }),
        },
      });
    } catch {
      res.destroy();
    } finally {
      await rm(file, { force: true });
    }
  });
  fake.baseURL = await listen(server);
  return Object.assign(fake, {
    failNext(count: number, status: number, headers: Record<string, string> = {}) {
      for (let i = 0; i < count; i++) failures.push({ status, headers });
    },
    close: closer(server, scratch),
  });
}
