import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { FileService, type SpeechModel, type SubmitParams, type Transcript, TranscriptService } from "assemblyai";
import type { TimedSegment, TimedWord, TranscriptionProvider, TranscriptionResult } from "../types";
import { ProviderError, parseRetryAfter } from "../types";
import {
  abortableDelay,
  transcriptionAborted,
  transcriptionHttpError,
  transcriptionTimeout,
  withRequestRetry,
} from "./errors";
import { termsWithinBounds } from "./hintLimits";
import { toIsoLanguageCode } from "./language";

export const ASSEMBLYAI_PROVIDER = "assemblyai";
const ASSEMBLYAI_DEFAULT_BASE_URL = "https://api.assemblyai.com";

export interface AssemblyAiTranscriberOptions {
  apiKey: string;
  /** Null: AssemblyAI's API. */
  baseURL?: string | null;
  /** `speech_model` (universal, slam-1…); null leaves AssemblyAI's default. */
  model?: string | null;
  language?: string | null;
  pollIntervalMs?: number;
  /** The whole job: upload, queue, processing. */
  timeoutMs?: number;
}

/** The SDK's HTTP answer, with what its own error drops: the status and Retry-After. */
class AssemblyAiHttpError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterSeconds: number | null,
  ) {
    super(`AssemblyAI answered HTTP ${status}`);
    this.name = "AssemblyAiHttpError";
  }
}

/**
 * The SDK's services throw a bare Error carrying the server's message on any
 * HTTP failure; these subclasses only keep the status so 429/5xx can be told
 * from permanent faults. Requests, paths and bodies stay the SDK's.
 */
async function checkedFetch(response: Response): Promise<Response> {
  if (response.status < 400) return response;
  await response.body?.cancel();
  throw new AssemblyAiHttpError(response.status, parseRetryAfter(response.headers.get("retry-after")));
}
class StatusAwareFileService extends FileService {
  protected override async fetch(input: string, init?: RequestInit): Promise<Response> {
    return checkedFetch(await this.fetchResponse(input, init));
  }
}
class StatusAwareTranscriptService extends TranscriptService {
  protected override async fetch(input: string, init?: RequestInit): Promise<Response> {
    return checkedFetch(await this.fetchResponse(input, init));
  }
}

/**
 * AssemblyAI through its SDK: the audio is uploaded (streamed from disk), a
 * transcript is created with `speaker_labels`, and polled until `completed` or
 * `error`. Its utterances label every word with a speaker, so the transcription
 * is also the diarization source.
 */
export function createAssemblyAiTranscriber(options: AssemblyAiTranscriberOptions): TranscriptionProvider {
  const params = {
    apiKey: options.apiKey,
    baseUrl: (options.baseURL ?? ASSEMBLYAI_DEFAULT_BASE_URL).replace(/\/$/, ""),
  };
  const files = new StatusAwareFileService(params);
  const transcripts = new StatusAwareTranscriptService(params, files);
  const pollIntervalMs = options.pollIntervalMs ?? 3000;
  const timeoutMs = options.timeoutMs ?? 30 * 60_000;
  const model = options.model ?? null;

  const call = <T>(request: () => Promise<T>, signal: AbortSignal | undefined) =>
    withRequestRetry(async () => {
      if (signal?.aborted) throw transcriptionAborted();
      try {
        return await request();
      } catch (error) {
        throw classifyAssemblyAiError(error);
      }
    }, signal);

  return {
    name: ASSEMBLYAI_PROVIDER,
    model,
    async transcribe(request): Promise<TranscriptionResult> {
      const deadline = Date.now() + timeoutMs;
      const language = toIsoLanguageCode(request.language ?? options.language);
      const uploadUrl = await call(
        () => files.upload(Readable.toWeb(createReadStream(request.filePath)) as ReadableStream<Uint8Array>),
        request.signal,
      );
      const submit: SubmitParams = {
        audio_url: uploadUrl,
        speaker_labels: true,
        ...(model && { speech_model: model as SpeechModel }),
        // A given language is used as it is; only without one does AssemblyAI detect it.
        ...(language ? { language_code: language } : { language_detection: true }),
        ...vocabularyHint(model, request.vocabulary ?? []),
      };
      let transcript = await call(() => transcripts.submit(submit), request.signal);
      // Polled here rather than with waitUntilReady so a cancelled call stops polling at once.
      while (transcript.status === "queued" || transcript.status === "processing") {
        if (Date.now() > deadline) throw transcriptionTimeout();
        await abortableDelay(pollIntervalMs, request.signal);
        const id = transcript.id;
        transcript = await call(() => transcripts.get(id), request.signal);
      }
      if (transcript.status === "error") {
        // AssemblyAI's reason can quote the audio URL; keep only that it failed.
        throw new ProviderError("transcription_failed", "AssemblyAI could not transcribe the audio", false);
      }
      return fromAssemblyAiTranscript(transcript, model, language);
    },
  };
}

/**
 * AssemblyAI's current models (universal, slam-1) take `keyterms_prompt`: up to 1,000 terms of at most six
 * words, and reject `word_boost`. The legacy `best` and `nano` models predate it and take `word_boost`
 * (with `boost_param` weighting it) instead.
 */
function vocabularyHint(
  model: string | null,
  vocabulary: readonly string[],
): Pick<SubmitParams, "keyterms_prompt" | "word_boost" | "boost_param"> {
  const terms = termsWithinBounds(vocabulary, { maxTerms: 1000, maxWordsPerTerm: 6 });
  if (terms.length === 0) return {};
  if (model !== null && /^(best|nano)$/i.test(model)) return { word_boost: terms, boost_param: "high" };
  return { keyterms_prompt: terms };
}

function classifyAssemblyAiError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof AssemblyAiHttpError) return transcriptionHttpError(error.status, error.retryAfterSeconds, error);
  if (error instanceof SyntaxError) {
    return new ProviderError("transcription_invalid_response", "AssemblyAI answered with an unexpected body", false, {
      cause: error,
    });
  }
  // fetch's TypeError: connection refused or reset.
  return new ProviderError("transcription_unavailable", "AssemblyAI is unreachable", true, { cause: error });
}

/** AssemblyAI times are milliseconds; its speakers are "A", "B", …; language codes like "en_us". */
function fromAssemblyAiTranscript(
  transcript: Transcript,
  model: string | null,
  requestedLanguage: string | null,
): TranscriptionResult {
  const utterances = transcript.utterances ?? [];
  const toWord = (word: { text: string; start: number; end: number; confidence: number; speaker?: string | null }) => {
    const mapped: TimedWord = { text: word.text, start: word.start / 1000, end: Math.max(word.start, word.end) / 1000 };
    if (word.speaker) mapped.speaker = word.speaker;
    if (typeof word.confidence === "number") mapped.confidence = word.confidence;
    return mapped;
  };
  const words =
    utterances.length > 0
      ? utterances.flatMap((utterance) =>
          utterance.words.map((word) => toWord({ ...word, speaker: word.speaker ?? utterance.speaker })),
        )
      : (transcript.words ?? []).map(toWord);
  const segments: TimedSegment[] = utterances.map((utterance) => ({
    text: utterance.text,
    start: utterance.start / 1000,
    end: Math.max(utterance.start, utterance.end) / 1000,
    speaker: utterance.speaker,
  }));
  const language = transcript.language_code ? toIsoLanguageCode(String(transcript.language_code).split("_")[0]) : null;
  return {
    language: language ?? requestedLanguage,
    durationSeconds: transcript.audio_duration ?? null,
    text: transcript.text ?? "",
    words: words.filter((word) => word.text.trim() !== "").sort((a, b) => a.start - b.start),
    segments,
    provider: ASSEMBLYAI_PROVIDER,
    model: transcript.speech_model ?? model,
  };
}
