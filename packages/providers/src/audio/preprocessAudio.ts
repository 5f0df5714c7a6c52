import { rename, rm } from "node:fs/promises";
import { ProviderError } from "../types";
import { probeAudio } from "./probeAudio";
import { runFfmpeg } from "./runFfmpeg";

/** EBU R128 targets for the single-pass `loudnorm` filter. */
export interface LoudnessTarget {
  integratedLufs: number;
  truePeakDb: number;
  lra: number;
}

export const DEFAULT_LOUDNESS_TARGET: Readonly<LoudnessTarget> = { integratedLufs: -16, truePeakDb: -1.5, lra: 11 };
export const DEFAULT_HIGHPASS_HZ = 80;
export const DEFAULT_DENOISE_NR_DB = 12;
/** Speech recognisers and diarizers work at 16 kHz mono; more only costs upload time. */
export const PREPROCESSED_SAMPLE_RATE = 16_000;

export interface PreprocessAudioOptions {
  ffmpegPath: string;
  inputPath: string;
  /** Written as 16-bit PCM WAV; only replaced once ffmpeg has succeeded. */
  outputPath: string;
  highpassHz?: number;
  denoiseNrDb?: number;
  loudnessTarget?: LoudnessTarget;
  /** Covers the conversion and the duration measurement of the result. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PreprocessedAudio {
  outputPath: string;
  /** True duration of the output, measured by decoding it. */
  durationSeconds: number | null;
  /** The filter chain applied (contains numbers only: safe to record). */
  filters: string;
  elapsedMs: number;
}

/**
 * Cleans a recording for transcription: mono, 16 kHz, high-pass, FFT denoise and
 * EBU R128 loudness normalisation, as 16-bit PCM WAV. Throws ProviderError
 * (`ffmpeg_timeout`, `ffmpeg_aborted`, `ffmpeg_failed`, `audio_stream_missing`,
 * `invalid_audio_options`) so the caller can fall back to the original audio.
 */
export async function preprocessAudio(options: PreprocessAudioOptions): Promise<PreprocessedAudio> {
  const startedAt = performance.now();
  const deadline = Date.now() + options.timeoutMs;
  const filters = buildPreprocessingFilters(options);
  // A separate name so a failed run never leaves a half-written file under the real one.
  const partialPath = `${options.outputPath}.partial`;

  try {
    const run = await runFfmpeg(
      options.ffmpegPath,
      [
        "-hide_banner",
        "-nostdin",
        "-y",
        "-i",
        options.inputPath,
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        "-map_metadata",
        "-1",
        "-af",
        filters,
        "-ac",
        "1",
        "-ar",
        String(PREPROCESSED_SAMPLE_RATE),
        "-c:a",
        "pcm_s16le",
        "-f",
        "wav",
        partialPath,
      ],
      { timeoutMs: options.timeoutMs, signal: options.signal },
    );
    if (run.exitCode !== 0) {
      if (/matches no streams/.test(run.stderr)) {
        throw new ProviderError("audio_stream_missing", "the file has no audio stream");
      }
      throw new ProviderError("ffmpeg_failed", `ffmpeg preprocessing failed (exit ${run.exitCode})`);
    }
    await rename(partialPath, options.outputPath);
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  }

  const measured = await probeAudio(options.ffmpegPath, options.outputPath, {
    timeoutMs: Math.max(1, deadline - Date.now()),
    signal: options.signal,
  });
  return {
    outputPath: options.outputPath,
    durationSeconds: measured.durationSeconds,
    filters,
    elapsedMs: Math.round(performance.now() - startedAt),
  };
}

/** The `-af` chain; exported so callers can record it without running ffmpeg. */
export function buildPreprocessingFilters(
  options: Pick<PreprocessAudioOptions, "highpassHz" | "denoiseNrDb" | "loudnessTarget">,
): string {
  const highpassHz = options.highpassHz ?? DEFAULT_HIGHPASS_HZ;
  const denoiseNrDb = options.denoiseNrDb ?? DEFAULT_DENOISE_NR_DB;
  const loudness = options.loudnessTarget ?? DEFAULT_LOUDNESS_TARGET;

  requireInRange("highpassHz", highpassHz, 1, PREPROCESSED_SAMPLE_RATE / 2 - 1);
  requireInRange("denoiseNrDb", denoiseNrDb, 0.01, 97);
  requireInRange("loudnessTarget.integratedLufs", loudness.integratedLufs, -70, -5);
  requireInRange("loudnessTarget.truePeakDb", loudness.truePeakDb, -9, 0);
  requireInRange("loudnessTarget.lra", loudness.lra, 1, 50);

  return [
    // Downmix and resample first: every later filter then runs on one 16 kHz channel.
    "aformat=channel_layouts=mono",
    `aresample=${PREPROCESSED_SAMPLE_RATE}`,
    `highpass=f=${highpassHz}`,
    `afftdn=nr=${denoiseNrDb}`,
    `loudnorm=I=${loudness.integratedLufs}:TP=${loudness.truePeakDb}:LRA=${loudness.lra}`,
    // loudnorm upsamples to 192 kHz internally.
    `aresample=${PREPROCESSED_SAMPLE_RATE}`,
  ].join(",");
}

function requireInRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new ProviderError("invalid_audio_options", `${name} must be between ${min} and ${max}`);
  }
}
