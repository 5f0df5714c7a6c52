import { DeepgramClient, DeepgramError, DeepgramTimeoutError } from "@deepgram/sdk";
import { z } from "zod";
import type { TimedSegment, TimedWord, TranscriptionProvider, TranscriptionResult } from "../types";
import { ProviderError, parseRetryAfter } from "../types";
import { transcriptionAborted, transcriptionHttpError, transcriptionTimeout, withRequestRetry } from "./errors";
import { termsWithinBounds } from "./hintLimits";
import { toIsoLanguageCode } from "./language";

export const DEEPGRAM_PROVIDER = "deepgram";

export interface DeepgramTranscriberOptions {
  apiKey: string;
  /** Null: Deepgram's API. */
  baseURL?: string | null;
  model?: string | null;
  language?: string | null;
  timeoutMs?: number;
}

const word = z.object({
  word: z.string(),
  punctuated_word: z.string().optional(),
  start: z.number().min(0),
  end: z.number().min(0),
  confidence: z.number().optional(),
  speaker: z.number().int().optional(),
});
/** The parts of Deepgram's pre-recorded response we use (`/v1/listen` with diarize and utterances). */
const listenResponse = z.object({
  metadata: z.object({ duration: z.number().min(0).optional() }).optional(),
  results: z.object({
    channels: z
      .array(
        z.object({
          detected_language: z.string().optional(),
          alternatives: z.array(z.object({ transcript: z.string(), words: z.array(word).optional() })).min(1),
        }),
      )
      .min(1),
    utterances: z
      .array(
        z.object({
          start: z.number().min(0),
          end: z.number().min(0),
          transcript: z.string(),
          speaker: z.number().int().optional(),
          words: z.array(word).optional(),
        }),
      )
      .optional(),
  }),
});

const speakerLabel = (speaker: number | undefined) => (speaker === undefined ? null : `speaker_${speaker}`);

/**
 * Deepgram pre-recorded transcription through its SDK: the file is streamed as
 * the request body with `diarize`, `utterances` and `smart_format`; the speaker
 * numbers on its words and utterances become the diarization source.
 */
export function createDeepgramTranscriber(options: DeepgramTranscriberOptions): TranscriptionProvider {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const client = new DeepgramClient({
    apiKey: options.apiKey,
    ...(options.baseURL && { baseUrl: options.baseURL.replace(/\/$/, "") }),
    // Retries are ours: one place decides, and the status reaches the caller.
    maxRetries: 0,
    timeoutInSeconds: timeoutMs / 1000,
  });
  const model = options.model ?? "nova-3";

  return {
    name: DEEPGRAM_PROVIDER,
    model,
    async transcribe(request) {
      const language = toIsoLanguageCode(request.language ?? options.language);
      const hint = vocabularyHint(model, request.vocabulary ?? []);
      const body = await withRequestRetry(async () => {
        if (request.signal?.aborted) throw transcriptionAborted();
        try {
          return await client.listen.v1.media.transcribeFile(
            { path: request.filePath, contentType: request.contentType },
            {
              model: model as never,
              diarize: true,
              utterances: true,
              smart_format: true,
              punctuate: true,
              ...(language ? { language } : { detect_language: true }),
              ...hint,
            },
            { ...(request.signal && { abortSignal: request.signal }), maxRetries: 0 },
          );
        } catch (error) {
          throw classifyDeepgramError(error, request.signal);
        }
      }, request.signal);
      return fromDeepgramResponse(body, model, language);
    },
  };
}

/**
 * Deepgram's Nova-3 models take `keyterm` (up to 100 terms, 500 tokens in all, phrases allowed); Nova-2 and
 * older models take `keywords`, which are single words: a name is sent as its words, each once
 * (case-insensitively).
 */
function vocabularyHint(model: string, vocabulary: readonly string[]): { keyterm?: string[]; keywords?: string[] } {
  if (/nova-3/i.test(model)) {
    const keyterm = termsWithinBounds(vocabulary, { maxTerms: 100, maxTokens: 500 });
    return keyterm.length > 0 ? { keyterm } : {};
  }
  // A colon would read as the keyword's intensifier (`word:2`).
  const words = new Map<string, string>();
  for (const word of vocabulary.flatMap((term) => term.replace(/:/g, " ").split(/\s+/))) {
    if (word && !words.has(word.toLowerCase())) words.set(word.toLowerCase(), word);
  }
  const keywords = termsWithinBounds([...words.values()], { maxTerms: 100 });
  return keywords.length > 0 ? { keywords } : {};
}

function classifyDeepgramError(error: unknown, signal: AbortSignal | undefined): ProviderError {
  if (error instanceof ProviderError) return error;
  if (signal?.aborted) return transcriptionAborted(error);
  if (error instanceof DeepgramTimeoutError) return transcriptionTimeout(error);
  if (error instanceof DeepgramError && typeof error.statusCode === "number") {
    const headers = error.rawResponse?.headers as Headers | Record<string, string> | undefined;
    const retryAfter =
      headers instanceof Headers ? headers.get("retry-after") : (headers?.["retry-after"] ?? headers?.["Retry-After"]);
    return transcriptionHttpError(error.statusCode, parseRetryAfter(retryAfter), error);
  }
  return new ProviderError("transcription_unavailable", "Deepgram is unreachable", true, { cause: error });
}

function fromDeepgramResponse(body: unknown, model: string, requestedLanguage: string | null): TranscriptionResult {
  const parsed = listenResponse.safeParse(body);
  if (!parsed.success) {
    throw new ProviderError("transcription_invalid_response", "Deepgram answered with an unexpected body", false, {
      cause: parsed.error,
    });
  }
  const { results, metadata } = parsed.data;
  const channel = results.channels[0]!;
  const alternative = channel.alternatives[0]!;
  const words: TimedWord[] = (alternative.words ?? []).map((w) => {
    const mapped: TimedWord = { text: w.punctuated_word ?? w.word, start: w.start, end: Math.max(w.start, w.end) };
    const speaker = speakerLabel(w.speaker);
    if (speaker) mapped.speaker = speaker;
    if (w.confidence !== undefined) mapped.confidence = w.confidence;
    return mapped;
  });
  const segments: TimedSegment[] = (results.utterances ?? []).map((utterance) => ({
    text: utterance.transcript,
    start: utterance.start,
    end: Math.max(utterance.start, utterance.end),
    speaker: speakerLabel(utterance.speaker),
  }));
  return {
    language: toIsoLanguageCode(channel.detected_language) ?? requestedLanguage,
    durationSeconds: metadata?.duration ?? null,
    text: alternative.transcript,
    words,
    segments,
    provider: DEEPGRAM_PROVIDER,
    model,
  };
}
