import { rename, rm, stat } from "node:fs/promises";
import { ProviderError } from "../types";
import { runFfmpeg } from "./runFfmpeg";

/** What the transcription provider is sent: all 16 kHz mono, the sample rate recognisers work at. */
export type UploadAudioFormat = "flac" | "mp3" | "opus" | "wav";
export const UPLOAD_AUDIO_FORMATS: readonly UploadAudioFormat[] = ["flac", "mp3", "opus", "wav"];

interface FormatSpec {
  extension: string;
  contentType: string;
  args: string[];
}

const FORMATS: Record<UploadAudioFormat, FormatSpec> = {
  // Lossless and about half the size of PCM for speech: the default.
  flac: {
    extension: ".flac",
    contentType: "audio/flac",
    args: ["-c:a", "flac", "-compression_level", "5", "-f", "flac"],
  },
  // Speech at 48 kbit/s mono loses nothing a recogniser needs and is a sixth of FLAC.
  mp3: { extension: ".mp3", contentType: "audio/mpeg", args: ["-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3"] },
  opus: {
    extension: ".ogg",
    contentType: "audio/ogg",
    args: ["-c:a", "libopus", "-b:a", "24k", "-application", "voip", "-f", "ogg"],
  },
  wav: { extension: ".wav", contentType: "audio/wav", args: ["-c:a", "pcm_s16le", "-f", "wav"] },
};

export function uploadFormatSpec(format: UploadAudioFormat): { extension: string; contentType: string } {
  const { extension, contentType } = FORMATS[format];
  return { extension, contentType };
}

export interface EncodeForUploadOptions {
  ffmpegPath: string;
  inputPath: string;
  outputPath: string;
  format: UploadAudioFormat;
  /** A time range of the input (seconds); the whole input when omitted. */
  startSeconds?: number;
  durationSeconds?: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Encodes (a range of) a recording as 16 kHz mono in the upload format, streamed
 * disk to disk by ffmpeg. Returns the size written. The output only appears
 * once ffmpeg has succeeded.
 */
export async function encodeForUpload(options: EncodeForUploadOptions): Promise<{ sizeBytes: number }> {
  const partialPath = `${options.outputPath}.partial`;
  const spec = FORMATS[options.format];
  const range = [
    // -ss before -i seeks by decoding for PCM/FLAC inputs, so the cut is sample-accurate.
    ...(options.startSeconds !== undefined ? ["-ss", options.startSeconds.toFixed(3)] : []),
    ...(options.durationSeconds !== undefined ? ["-t", options.durationSeconds.toFixed(3)] : []),
  ];
  try {
    const run = await runFfmpeg(
      options.ffmpegPath,
      [
        "-hide_banner",
        "-nostdin",
        "-y",
        ...range,
        "-i",
        options.inputPath,
        "-map",
        "0:a:0",
        "-vn",
        "-map_metadata",
        "-1",
        "-ac",
        "1",
        "-ar",
        "16000",
        ...spec.args,
        partialPath,
      ],
      { timeoutMs: options.timeoutMs, ...(options.signal && { signal: options.signal }) },
    );
    if (run.exitCode !== 0) {
      throw new ProviderError(
        "audio_encoding_failed",
        `ffmpeg could not encode the upload audio (exit ${run.exitCode})`,
      );
    }
    await rename(partialPath, options.outputPath);
  } catch (error) {
    await rm(partialPath, { force: true });
    throw error;
  }
  return { sizeBytes: (await stat(options.outputPath)).size };
}
