import { ProviderError } from "../types";
import { runFfmpeg } from "./runFfmpeg";

export interface AudioProbe {
  /** Decoded duration (true even for VBR files with a wrong header), else the header's, else null. */
  durationSeconds: number | null;
  channels: number | null;
  sampleRate: number | null;
  codec: string | null;
}

export interface ProbeAudioOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** What the container header says about the first audio stream (no decoding). */
export interface AudioHeader {
  headerDurationSeconds: number | null;
  channels: number | null;
  sampleRate: number | null;
  codec: string | null;
}

/**
 * Describes the first audio stream of a file by decoding it to the null muxer:
 * works with ffmpeg alone (the npm binary ships no ffprobe) and measures the real
 * duration rather than trusting the header.
 */
export async function probeAudio(
  ffmpegPath: string,
  filePath: string,
  options: ProbeAudioOptions,
): Promise<AudioProbe> {
  const run = await runFfmpeg(
    ffmpegPath,
    ["-hide_banner", "-nostdin", "-i", filePath, "-map", "0:a:0", "-vn", "-sn", "-dn", "-f", "null", "-"],
    options,
  );
  if (run.exitCode !== 0) throw probeFailure(run.stderr, run.exitCode);

  const header = parseAudioHeader(run.stderr);
  return {
    durationSeconds: parseDecodedDuration(run.stderr) ?? header.headerDurationSeconds,
    channels: header.channels,
    sampleRate: header.sampleRate,
    codec: header.codec,
  };
}

/** Reads only the container header (fast: nothing is decoded). */
export async function readAudioHeader(
  ffmpegPath: string,
  filePath: string,
  options: ProbeAudioOptions,
): Promise<AudioHeader> {
  // Without an output ffmpeg exits 1 after describing the input; that is the expected outcome.
  const run = await runFfmpeg(ffmpegPath, ["-hide_banner", "-nostdin", "-i", filePath], options);
  if (!/^Input #0/m.test(run.stderr)) throw probeFailure(run.stderr, run.exitCode);
  const header = parseAudioHeader(run.stderr);
  if (header.codec === null) throw new ProviderError("audio_stream_missing", "the file has no audio stream");
  return header;
}

function probeFailure(stderr: string, exitCode: number): ProviderError {
  if (/matches no streams|does not contain any stream/.test(stderr)) {
    return new ProviderError("audio_stream_missing", "the file has no audio stream");
  }
  return new ProviderError("ffmpeg_failed", `ffmpeg could not read the audio (exit ${exitCode})`);
}

/** Parses ffmpeg's description of input #0 ("Duration: …", "Stream #0:0: Audio: …"). */
function parseAudioHeader(stderr: string): AudioHeader {
  const inputStart = stderr.search(/^Input #0/m);
  const inputSection =
    inputStart < 0 ? "" : (stderr.slice(inputStart).split(/^(?:Output #|Stream mapping:|Input #1)/m)[0] ?? "");

  const duration = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(inputSection);
  const audio = /Stream #\d+:\d+\S*: Audio: ([^\s,]+)[^\n]*/.exec(inputSection);
  const audioLine = audio?.[0] ?? "";
  const sampleRate = /, (\d+) Hz/.exec(audioLine);
  const layout = /\d+ Hz, ([^,]+)/.exec(audioLine);

  return {
    headerDurationSeconds: duration ? clockToSeconds(duration[1], duration[2], duration[3]) : null,
    codec: audio?.[1] ?? null,
    sampleRate: sampleRate ? Number(sampleRate[1]) : null,
    channels: layout?.[1] ? channelCount(layout[1].trim()) : null,
  };
}

/** The last "time=HH:MM:SS.ss" progress value: how much audio was actually decoded. */
function parseDecodedDuration(stderr: string): number | null {
  let last: RegExpExecArray | null = null;
  for (const match of stderr.matchAll(/time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)/g)) last = match;
  return last ? clockToSeconds(last[1], last[2], last[3]) : null;
}

function clockToSeconds(hours: string | undefined, minutes: string | undefined, seconds: string | undefined): number {
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

// ffmpeg prints a layout name when it knows one, else "N channels".
const CHANNELS_BY_LAYOUT: Readonly<Record<string, number>> = {
  mono: 1,
  stereo: 2,
  downmix: 2,
  "2.1": 3,
  "3.0": 3,
  "3.0(back)": 3,
  "4.0": 4,
  quad: 4,
  "quad(side)": 4,
  "3.1": 4,
  "5.0": 5,
  "5.0(side)": 5,
  "4.1": 5,
  "5.1": 6,
  "5.1(side)": 6,
  "6.0": 6,
  "6.0(front)": 6,
  hexagonal: 6,
  "6.1": 7,
  "6.1(back)": 7,
  "6.1(front)": 7,
  "7.0": 7,
  "7.0(front)": 7,
  "7.1": 8,
  "7.1(wide)": 8,
  "7.1(wide-side)": 8,
  octagonal: 8,
};

function channelCount(layout: string): number | null {
  const explicit = /^(\d+) channels?/.exec(layout);
  if (explicit) return Number(explicit[1]);
  return CHANNELS_BY_LAYOUT[layout] ?? null;
}
