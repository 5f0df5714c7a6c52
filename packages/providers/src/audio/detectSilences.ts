import { ProviderError } from "../types";
import { runFfmpeg } from "./runFfmpeg";

export interface Silence {
  start: number;
  end: number;
}

export interface DetectSilencesOptions {
  ffmpegPath: string;
  filePath: string;
  /** Below this level counts as silence. */
  noiseDb?: number;
  minSilenceSeconds?: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * The silences of a recording, from ffmpeg's `silencedetect`. The detector's
 * events are printed to stdout (`ametadata`) and parsed line by line as they
 * stream, so memory does not grow with the length of the call.
 */
export async function detectSilences(options: DetectSilencesOptions): Promise<Silence[]> {
  const noiseDb = options.noiseDb ?? -35;
  const minSilence = options.minSilenceSeconds ?? 0.3;
  const silences: Silence[] = [];
  let openStart: number | null = null;
  let pending = "";
  const onLine = (line: string) => {
    const start = /^lavfi\.silence_start=(-?[\d.]+)/.exec(line);
    if (start) {
      openStart = Math.max(0, Number(start[1]));
      return;
    }
    const end = /^lavfi\.silence_end=([\d.]+)/.exec(line);
    if (end && openStart !== null) {
      silences.push({ start: openStart, end: Number(end[1]) });
      openStart = null;
    }
  };
  const run = await runFfmpeg(
    options.ffmpegPath,
    [
      "-hide_banner",
      "-nostdin",
      "-i",
      options.filePath,
      "-map",
      "0:a:0",
      "-ac",
      "1",
      "-af",
      `silencedetect=n=${noiseDb}dB:d=${minSilence},ametadata=mode=print:file=-`,
      "-f",
      "null",
      "-",
    ],
    {
      timeoutMs: options.timeoutMs,
      ...(options.signal && { signal: options.signal }),
      onStdout: (chunk) => {
        pending += chunk.toString("utf8");
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) onLine(line.trim());
      },
    },
  );
  if (pending) onLine(pending.trim());
  if (run.exitCode !== 0) {
    throw new ProviderError("silence_detection_failed", `ffmpeg silencedetect failed (exit ${run.exitCode})`);
  }
  // A silence still open at the end runs to the end of the file: not a place to cut between two chunks.
  return silences;
}
