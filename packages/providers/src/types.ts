/**
 * Contracts between the pipeline and the outside world (ffmpeg, transcription and
 * diarization services). Times are seconds from the start of the recording.
 */

/** One recognised word with its timing; `speaker` only when the provider labels speakers. */
export interface TimedWord {
  text: string;
  start: number;
  end: number;
  speaker?: string | null;
  confidence?: number | null;
}

/** A provider segment (a phrase or sentence); `words` when the provider gives word timing. */
export interface TimedSegment {
  text: string;
  start: number;
  end: number;
  speaker?: string | null;
}

export interface TranscriptionResult {
  /** ISO-639-1 where the provider says it, else null. */
  language: string | null;
  durationSeconds: number | null;
  text: string;
  /** Empty when the provider returned no word timing: alignment falls back to segments. */
  words: TimedWord[];
  segments: TimedSegment[];
  provider: string;
  model: string | null;
}

export interface TranscriptionRequest {
  filePath: string;
  /** The name sent to the provider (never contains user data: the pipeline passes a neutral name). */
  fileName: string;
  contentType: string;
  language?: string | null;
  /** Names and terms likely in the call, passed as the provider's native hint (prompt, keyterms, boost). */
  vocabulary?: readonly string[];
  signal?: AbortSignal;
}

export interface TranscriptionProvider {
  readonly name: string;
  readonly model: string | null;
  transcribe(request: TranscriptionRequest): Promise<TranscriptionResult>;
}

/** Who spoke when, as the diarization source labels them (`SPEAKER_00`, `left`, …). */
export interface SpeakerTurn {
  speaker: string;
  start: number;
  end: number;
}

export interface DiarizationRequest {
  filePath: string;
  durationSeconds: number | null;
  /** 2 for INCOMING/OUTGOING calls, else undefined. */
  numSpeakersHint?: number;
  /** Speaker labels the transcription provider returned, if any. */
  transcription?: TranscriptionResult;
  signal?: AbortSignal;
}

export interface DiarizationResult {
  turns: SpeakerTurn[];
  /** Which source produced the turns: PYANNOTE, TRANSCRIPTION_PROVIDER, STEREO_CHANNELS, SINGLE_SPEAKER. */
  source: DiarizationSourceName;
  provider: string;
}

export type DiarizationSourceName = "PYANNOTE" | "TRANSCRIPTION_PROVIDER" | "STEREO_CHANNELS" | "SINGLE_SPEAKER";

/** One way of finding turns; `null` means "not applicable here, try the next source". */
export interface DiarizationSource {
  readonly name: DiarizationSourceName;
  diarize(request: DiarizationRequest): Promise<DiarizationResult | null>;
}

/** What a classifier (the queue's retry policy, a circuit breaker) needs to tell transient from permanent. */
export interface ProviderErrorOptions {
  cause?: unknown;
  /** The provider's HTTP status, when the failure was an HTTP answer. */
  httpStatus?: number;
  /** From the provider's `Retry-After` header (seconds), when it sent one. */
  retryAfterSeconds?: number;
}

/**
 * A provider failure with a short, stable, PII-free code (becomes `errorReason`
 * or a processing event's error code). `retryable` marks network/5xx/429 faults.
 */
export class ProviderError extends Error {
  readonly httpStatus: number | null;
  readonly retryAfterSeconds: number | null;
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
    options?: ProviderErrorOptions,
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.httpStatus = options?.httpStatus ?? null;
    this.retryAfterSeconds = options?.retryAfterSeconds ?? null;
  }
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - now) / 1000));
}
