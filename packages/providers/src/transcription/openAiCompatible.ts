import { openAsBlob } from "node:fs";
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError } from "openai";
import type { TranscriptionCreateParamsNonStreaming } from "openai/resources/audio/transcriptions";
import type { TranscriptionProvider, TranscriptionRequest, TranscriptionResult } from "../types";
import { ProviderError, parseRetryAfter } from "../types";
import { transcriptionAborted, transcriptionHttpError, transcriptionTimeout, withRequestRetry } from "./errors";
import { termsWithinBounds } from "./hintLimits";
import { toIsoLanguageCode } from "./language";
import { InvalidTranscriptionResponse, parseTranscriptionResponse } from "./response";

export interface OpenAiCompatibleTranscriberOptions {
  /** e.g. `https://api.openai.com/v1`; the request goes to `{baseURL}/audio/transcriptions`. */
  baseURL: string;
  apiKey: string;
  model: string;
  /** Default spoken language (ISO-639-1 or an English name); omitted → the server detects it. */
  language?: string | null;
  /** Per attempt, covering upload and the whole response body. */
  timeoutMs?: number;
}

export const OPENAI_COMPATIBLE_PROVIDER = "openai-compatible";

const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/**
 * Transcribes through any server speaking OpenAI's `POST /audio/transcriptions`.
 * The audio is streamed from disk (a file-backed Blob), never read into memory.
 */
export function createOpenAiCompatibleTranscriber(options: OpenAiCompatibleTranscriberOptions): TranscriptionProvider {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Retries are ours (maxRetries 0) so the attempt count is exact and every fault is classified once.
  const client = new OpenAI({ baseURL: options.baseURL, apiKey: options.apiKey, maxRetries: 0, timeout: timeoutMs });
  const diarizing = /diarize/i.test(options.model);
  // gpt-4o-transcribe-diarize rejects verbose_json and word timestamps; it labels speakers only in diarized_json.
  const formatParams: Pick<
    TranscriptionCreateParamsNonStreaming,
    "response_format" | "chunking_strategy" | "timestamp_granularities"
  > = diarizing
    ? { response_format: "diarized_json", chunking_strategy: "auto" }
    : { response_format: "verbose_json", timestamp_granularities: ["word", "segment"] };

  async function transcribeOnce(
    request: TranscriptionRequest,
    file: File,
    language: string | null,
  ): Promise<TranscriptionResult> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    // OpenAI refuses any prompt for its diarization models (400 "Prompt is not supported for diarization models").
    const prompt = diarizing ? null : vocabularyPrompt(request.vocabulary ?? []);
    try {
      const params: TranscriptionCreateParamsNonStreaming = {
        file,
        model: options.model,
        ...(language ? { language } : {}),
        ...(prompt !== null && { prompt }),
        ...formatParams,
      };
      const body: unknown = await client.audio.transcriptions.create(params, { signal });
      return parseTranscriptionResponse(body, {
        provider: OPENAI_COMPATIBLE_PROVIDER,
        model: options.model,
        requestedLanguage: language,
      });
    } catch (error) {
      throw classifyTranscriptionError(error, {
        aborted: request.signal?.aborted === true,
        timedOut: deadline.signal.aborted,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    name: OPENAI_COMPATIBLE_PROVIDER,
    model: options.model,
    async transcribe(request) {
      const language = toIsoLanguageCode(request.language ?? options.language);
      const file = await openAudioFile(request);
      return withRequestRetry(() => transcribeOnce(request, file, language), request.signal);
    },
  };
}

/** Whisper reads only the last 224 tokens of a prompt (OpenAI's speech-to-text guide). */
const OPENAI_PROMPT_MAX_TOKENS = 224;

/**
 * Whisper-style models take a `prompt` of text that "came before" the audio: a comma list of the names and
 * terms steers their spelling. It is cut by whole terms to stay under the 224-token window (with room for
 * the final full stop); null when no term fits.
 */
function vocabularyPrompt(vocabulary: readonly string[]): string | null {
  const terms = termsWithinBounds(vocabulary, { maxTerms: vocabulary.length, maxTokens: OPENAI_PROMPT_MAX_TOKENS - 2 });
  return terms.length === 0 ? null : `${terms.join(", ")}.`;
}

/** A file-backed Blob: the SDK's multipart body reads it from disk, once per attempt, with a known length. */
async function openAudioFile(request: TranscriptionRequest): Promise<File> {
  try {
    const audio = await openAsBlob(request.filePath, { type: request.contentType });
    return new File([audio], request.fileName, { type: request.contentType });
  } catch (error) {
    throw new ProviderError("transcription_file_unreadable", "Audio file could not be read", false, { cause: error });
  }
}

/** Maps any failure of one attempt to a stable, PII-free code. Messages never echo the server's body. */
function classifyTranscriptionError(error: unknown, state: { aborted: boolean; timedOut: boolean }): ProviderError {
  if (error instanceof ProviderError) return error;
  if (state.aborted) return transcriptionAborted(error);
  if (state.timedOut || error instanceof APIConnectionTimeoutError) {
    return transcriptionTimeout(error);
  }
  if (error instanceof APIError && typeof error.status === "number") {
    return transcriptionHttpError(error.status, parseRetryAfter(error.headers?.get("retry-after")), error);
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError("transcription_unavailable", "Transcription provider is unreachable", true, {
      cause: error,
    });
  }
  if (error instanceof InvalidTranscriptionResponse || error instanceof SyntaxError) {
    return new ProviderError(
      "transcription_invalid_response",
      "Transcription provider answered with an unexpected body",
      false,
      { cause: error },
    );
  }
  if (error instanceof TypeError) {
    // undici's "terminated": the connection died while the response body was streaming in.
    return new ProviderError("transcription_unavailable", "Transcription provider connection failed", true, {
      cause: error,
    });
  }
  return new ProviderError("transcription_failed", "Transcription failed unexpectedly", false, { cause: error });
}
