import { mkdtemp, rm, stat } from "node:fs/promises";
import path from "node:path";
import { detectSilences, type Silence } from "../audio/detectSilences";
import { encodeForUpload, type UploadAudioFormat, uploadFormatSpec } from "../audio/encodeForUpload";
import { probeAudio } from "../audio/probeAudio";
import type { TimedSegment, TimedWord, TranscriptionProvider, TranscriptionResult } from "../types";
import { ProviderError } from "../types";

/** What one provider accepts per request, and how we send it. */
export interface TranscriptionLimits {
  /** Largest request body the provider takes (OpenAI: 25 MiB). */
  maxUploadBytes: number;
  /** Longest audio per request (gpt-4o-transcribe: 1400 s), or null for no limit. */
  maxChunkSeconds: number | null;
  format: UploadAudioFormat;
  /** Chunks in flight at once for one call. */
  concurrency: number;
}

export interface ChunkedTranscriptionOptions {
  provider: TranscriptionProvider;
  /** Null when there is no ffmpeg: the file is then sent as it is, if it fits. */
  ffmpegPath: string | null;
  filePath: string;
  /** Name and type of `filePath`, used only when it is sent unchanged. */
  fileName: string;
  contentType: string;
  durationSeconds: number | null;
  limits: TranscriptionLimits;
  /** Scratch space; a private directory under it is removed in every case. */
  workDir: string;
  /** Per ffmpeg run (encode, silence detection). */
  ffmpegTimeoutMs: number;
  language?: string | null;
  vocabulary?: readonly string[];
  signal?: AbortSignal;
}

export interface TranscriptionChunk {
  index: number;
  /** The audio sent (seconds on the call's timeline). */
  start: number;
  end: number;
  /** Words and segments whose midpoint falls in [seamStart, seamEnd) are kept from this chunk. */
  seamStart: number;
  seamEnd: number;
  /** Whether the cut after this chunk is in a silence (else a hard cut with overlap). */
  cutAtSilence: boolean;
  sizeBytes?: number;
}

export interface ChunkedTranscription {
  result: TranscriptionResult;
  chunks: TranscriptionChunk[];
  /** Bytes of the largest request body sent. */
  largestUploadBytes: number;
}

/** Audio on both sides of a hard cut, so a word cut in two is heard whole by one of the chunks. */
export const HARD_CUT_OVERLAP_SECONDS = 2;
/** Chunks are planned this far under the byte limit: compressed size varies with what is said. */
const SIZE_HEADROOM = 0.85;
/** A cut is looked for in the last part of each chunk (fraction of the target length). */
const CUT_WINDOW = 0.35;
const MIN_CHUNK_SECONDS = 5;

/**
 * Transcribes a recording of any length within a provider's limits: the audio is
 * encoded in the provider's upload format and, when it is still too large or too
 * long, split at silences (a hard cut with a small overlap when there is none),
 * the chunks are transcribed with bounded concurrency, and words and segments are
 * stitched back onto one timeline. Only the chunks in flight exist on disk.
 */
export async function transcribeInChunks(options: ChunkedTranscriptionOptions): Promise<ChunkedTranscription> {
  const { limits, provider } = options;
  if (!options.ffmpegPath) return sendUnchanged(options);
  const ffmpegPath = options.ffmpegPath;
  // An upload that is already compressed (m4a, mp3, ogg…) and fits goes as it is: re-encoding lossy audio only grows it.
  if (isCompressed(options.contentType) && !exceedsDuration(options.durationSeconds, limits)) {
    const { size } = await stat(options.filePath);
    if (size <= limits.maxUploadBytes) return sendUnchanged(options);
  }
  const scratch = await mkdtemp(path.join(options.workDir, "scryon-chunks-"));
  const spec = uploadFormatSpec(limits.format);
  const common = { timeoutMs: options.ffmpegTimeoutMs, ...(options.signal && { signal: options.signal }) };
  try {
    const duration =
      options.durationSeconds ?? (await probeAudio(ffmpegPath, options.filePath, common)).durationSeconds;
    if (duration === null || duration <= 0) {
      throw new ProviderError("audio_duration_unknown", "The recording's duration could not be measured");
    }

    // First the whole call in the upload format: most calls fit in one request.
    const wholePath = path.join(scratch, `whole${spec.extension}`);
    const whole = await encodeForUpload({
      ffmpegPath,
      inputPath: options.filePath,
      outputPath: wholePath,
      format: limits.format,
      ...common,
    });
    const tooLong = limits.maxChunkSeconds !== null && duration > limits.maxChunkSeconds;
    if (whole.sizeBytes <= limits.maxUploadBytes && !tooLong) {
      const result = await provider.transcribe({
        filePath: wholePath,
        fileName: `audio${spec.extension}`,
        contentType: spec.contentType,
        ...hints(options),
      });
      const chunk: TranscriptionChunk = {
        index: 0,
        start: 0,
        end: duration,
        seamStart: 0,
        seamEnd: Number.POSITIVE_INFINITY,
        cutAtSilence: true,
        sizeBytes: whole.sizeBytes,
      };
      return {
        result: { ...result, durationSeconds: result.durationSeconds ?? duration },
        chunks: [chunk],
        largestUploadBytes: whole.sizeBytes,
      };
    }
    await rm(wholePath, { force: true });

    const bytesPerSecond = whole.sizeBytes / duration;
    const bySize = (limits.maxUploadBytes * SIZE_HEADROOM) / bytesPerSecond;
    const target = Math.max(MIN_CHUNK_SECONDS, Math.min(bySize, limits.maxChunkSeconds ?? Number.POSITIVE_INFINITY));
    const silences = await detectSilences({ ffmpegPath, filePath: options.filePath, ...common });
    const chunks = planChunks(duration, target, silences);

    const results: TranscriptionResult[] = new Array(chunks.length);
    let largestUploadBytes = 0;
    let next = 0;
    const failure = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, failure.signal]) : failure.signal;
    const worker = async () => {
      while (next < chunks.length && !signal.aborted) {
        const chunk = chunks[next++]!;
        const chunkPath = path.join(scratch, `chunk-${chunk.index}${spec.extension}`);
        try {
          const { sizeBytes } = await encodeForUpload({
            ffmpegPath,
            inputPath: options.filePath,
            outputPath: chunkPath,
            format: limits.format,
            startSeconds: chunk.start,
            durationSeconds: chunk.end - chunk.start,
            timeoutMs: options.ffmpegTimeoutMs,
            signal,
          });
          if (sizeBytes > limits.maxUploadBytes) {
            // Never send what the provider refuses: the plan had headroom, so this means pathological audio.
            throw new ProviderError(
              "transcription_audio_too_large",
              `A ${Math.round(chunk.end - chunk.start)} s chunk is still over the provider's upload limit`,
            );
          }
          chunk.sizeBytes = sizeBytes;
          largestUploadBytes = Math.max(largestUploadBytes, sizeBytes);
          // Each chunk is one request to the provider, which retries it like any request.
          results[chunk.index] = await provider.transcribe({
            filePath: chunkPath,
            fileName: `audio-part${chunk.index + 1}${spec.extension}`,
            contentType: spec.contentType,
            ...hints(options),
            signal,
          });
        } catch (error) {
          failure.abort();
          throw error;
        } finally {
          await rm(chunkPath, { force: true });
        }
      }
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: Math.min(limits.concurrency, chunks.length) }, worker),
    );
    // Report the chunk's own failure, not the cancellations it caused in the others.
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected").map((o) => o.reason);
    if (rejected.length > 0) {
      throw rejected.find((e) => !(e instanceof ProviderError && /aborted$/.test(e.code))) ?? rejected[0];
    }
    return { result: stitchChunks(chunks, results, duration), chunks, largestUploadBytes };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function isCompressed(contentType: string): boolean {
  const type = contentType.toLowerCase();
  if (type === "application/octet-stream" || /wav|wave|pcm|aiff|x-raw/.test(type)) return false;
  return type.startsWith("audio/") || type.startsWith("video/");
}

function exceedsDuration(durationSeconds: number | null, limits: TranscriptionLimits): boolean {
  if (limits.maxChunkSeconds === null) return false;
  // Unknown duration: measure it by encoding, as for any other input.
  return durationSeconds === null || durationSeconds > limits.maxChunkSeconds;
}

function hints(options: ChunkedTranscriptionOptions) {
  return {
    ...(options.language && { language: options.language }),
    ...(options.vocabulary && options.vocabulary.length > 0 && { vocabulary: options.vocabulary }),
    ...(options.signal && { signal: options.signal }),
  };
}

async function sendUnchanged(options: ChunkedTranscriptionOptions): Promise<ChunkedTranscription> {
  const { size } = await stat(options.filePath);
  if (size > options.limits.maxUploadBytes) {
    throw new ProviderError(
      "transcription_audio_too_large",
      "The recording is over the provider's upload limit and cannot be split without ffmpeg",
    );
  }
  const result = await options.provider.transcribe({
    filePath: options.filePath,
    fileName: options.fileName,
    contentType: options.contentType,
    ...hints(options),
  });
  const end = result.durationSeconds ?? options.durationSeconds ?? 0;
  return {
    result,
    chunks: [
      { index: 0, start: 0, end, seamStart: 0, seamEnd: Number.POSITIVE_INFINITY, cutAtSilence: true, sizeBytes: size },
    ],
    largestUploadBytes: size,
  };
}

/**
 * Cuts the call into chunks of at most `target` seconds: in the longest silence
 * of the last part of each chunk, else a hard cut with `HARD_CUT_OVERLAP_SECONDS`
 * of shared audio, whose seam (the cut itself) decides which chunk a word belongs to.
 */
export function planChunks(duration: number, target: number, silences: readonly Silence[]): TranscriptionChunk[] {
  const chunks: TranscriptionChunk[] = [];
  const half = HARD_CUT_OVERLAP_SECONDS / 2;
  let seamStart = 0;
  let audioStart = 0;
  while (duration - audioStart > target) {
    // Measured from where this chunk's audio starts, so the overlap counts towards its length.
    const windowStart = audioStart + target * (1 - CUT_WINDOW);
    const windowEnd = audioStart + target;
    let best: Silence | null = null;
    for (const silence of silences) {
      const middle = (silence.start + silence.end) / 2;
      if (middle <= windowStart || middle >= windowEnd) continue;
      if (!best || silence.end - silence.start > best.end - best.start) best = silence;
    }
    const index = chunks.length;
    if (best) {
      const cut = (best.start + best.end) / 2;
      chunks.push({ index, start: audioStart, end: cut, seamStart, seamEnd: cut, cutAtSilence: true });
      seamStart = cut;
      audioStart = cut;
    } else {
      // The overlap must fit within the target on this side of the cut.
      const cut = windowEnd - half;
      chunks.push({ index, start: audioStart, end: cut + half, seamStart, seamEnd: cut, cutAtSilence: false });
      seamStart = cut;
      audioStart = cut - half;
    }
  }
  chunks.push({
    index: chunks.length,
    start: audioStart,
    end: duration,
    seamStart,
    seamEnd: Number.POSITIVE_INFINITY,
    cutAtSilence: true,
  });
  return chunks;
}

const middleOf = (item: { start: number; end: number }) => (item.start + item.end) / 2;
const comparable = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");

/**
 * One timeline from the chunks' answers: times shifted by each chunk's start,
 * each word kept from the chunk whose seam range holds its midpoint, a word
 * heard on both sides of a hard cut kept once, and times made monotonic.
 * Language comes from the first chunk that reports one (the first, normally).
 */
export function stitchChunks(
  chunks: readonly TranscriptionChunk[],
  results: readonly TranscriptionResult[],
  duration: number,
): TranscriptionResult {
  const words: TimedWord[] = [];
  const segments: TimedSegment[] = [];
  chunks.forEach((chunk, i) => {
    const result = results[i]!;
    const shift = <T extends { start: number; end: number }>(item: T): T => ({
      ...item,
      start: item.start + chunk.start,
      end: item.end + chunk.start,
    });
    const inSeam = (item: { start: number; end: number }) => {
      const middle = middleOf(item);
      return middle >= chunk.seamStart && middle < chunk.seamEnd;
    };
    for (const word of result.words.map(shift).filter(inSeam)) {
      const previous = words.at(-1);
      // The same word recognised on both sides of a hard cut, its midpoint a little off in each.
      if (
        previous &&
        !chunks[i - 1]?.cutAtSilence &&
        word.start < previous.end &&
        comparable(word.text) === comparable(previous.text)
      ) {
        continue;
      }
      words.push(monotonic(word, previous));
    }
    for (const segment of result.segments.map(shift).filter(inSeam)) segments.push(monotonic(segment, segments.at(-1)));
  });
  const first = results[0]!;
  const text = (segments.length > 0 ? segments : words).map((item) => item.text).join(" ");
  return {
    language: results.find((result) => result.language)?.language ?? null,
    durationSeconds: duration,
    text,
    words,
    segments,
    provider: first.provider,
    model: first.model,
  };
}

function monotonic<T extends { start: number; end: number }>(item: T, previous: { start: number } | undefined): T {
  const start = previous ? Math.max(item.start, previous.start) : item.start;
  return { ...item, start, end: Math.max(start, item.end) };
}
