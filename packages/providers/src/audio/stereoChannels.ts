import type { SpeakerTurn } from "../types";
import { ProviderError } from "../types";
import { readAudioHeader } from "./probeAudio";
import { runFfmpeg } from "./runFfmpeg";

export interface DiarizeStereoChannelsOptions {
  ffmpegPath: string;
  filePath: string;
  /** Covers reading the header and decoding the whole file. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Analysis window; 50 ms by default. */
  windowSeconds?: number;
}

/** Speaker labels of the two sides of a stereo call recording. */
export const LEFT_CHANNEL_SPEAKER = "left";
export const RIGHT_CHANNEL_SPEAKER = "right";

// Decoding at 8 kHz keeps the whole speech band and halves the work of 16 kHz.
const ANALYSIS_SAMPLE_RATE = 8_000;
const BYTES_PER_STEREO_FRAME = 4;
const FULL_SCALE_SQUARED = 32768 * 32768;
const SILENCE_DB = -120;

/**
 * Tuning, in one place. Telephone recorders put each party on its own channel, with
 * the other party leaking in much quieter (crosstalk); duplicated mono is perfectly
 * correlated. A side must beat the other by DOMINANCE_DB to own a window.
 */
const SAME_SIGNAL_CORRELATION = 0.95;
const ABSOLUTE_ACTIVITY_FLOOR_DB = -55;
const ACTIVITY_ABOVE_NOISE_DB = 10;
const NOISE_FLOOR_PERCENTILE = 0.1;
const DOMINANCE_DB = 6;
/** Runs shorter than this are flicker (a click, a breath leaking), not a turn. */
const MIN_TURN_SECONDS = 0.2;
/** Same-side runs separated by less silence than this are one turn (pauses between words). */
const MAX_PAUSE_IN_TURN_SECONDS = 0.5;

type Side = typeof LEFT_CHANNEL_SPEAKER | typeof RIGHT_CHANNEL_SPEAKER;
type WindowOwner = Side | null;

/**
 * Who spoke when, from a two-channel recording where each party has a channel.
 * Returns null when this source does not apply: not stereo, both channels carrying
 * the same signal (mono saved as stereo), or one channel never active.
 * The PCM is streamed: memory grows with the number of windows, not with the audio.
 */
export async function diarizeStereoChannels(options: DiarizeStereoChannelsOptions): Promise<SpeakerTurn[] | null> {
  const windowSeconds = options.windowSeconds ?? 0.05;
  const framesPerWindow = Math.round(windowSeconds * ANALYSIS_SAMPLE_RATE);
  if (!Number.isFinite(windowSeconds) || framesPerWindow < 1 || windowSeconds > 1) {
    throw new ProviderError("invalid_audio_options", "windowSeconds must be between 1/8000 and 1");
  }
  const deadline = Date.now() + options.timeoutMs;

  const header = await readAudioHeader(options.ffmpegPath, options.filePath, {
    timeoutMs: options.timeoutMs,
    signal: options.signal,
  });
  if (header.channels !== 2) return null;

  const analysis = new ChannelAnalysis(framesPerWindow);
  const run = await runFfmpeg(
    options.ffmpegPath,
    [
      "-hide_banner",
      "-nostdin",
      "-i",
      options.filePath,
      "-map",
      "0:a:0",
      "-vn",
      // Mains hum and rumble would otherwise count as activity.
      "-af",
      "highpass=f=80",
      "-ar",
      String(ANALYSIS_SAMPLE_RATE),
      "-c:a",
      "pcm_s16le",
      "-f",
      "s16le",
      "pipe:1",
    ],
    {
      timeoutMs: Math.max(1, deadline - Date.now()),
      signal: options.signal,
      onStdout: (chunk) => analysis.push(chunk),
    },
  );
  if (run.exitCode !== 0)
    throw new ProviderError("ffmpeg_failed", `ffmpeg could not decode the channels (exit ${run.exitCode})`);
  analysis.finish();

  if (Math.abs(analysis.correlation()) >= SAME_SIGNAL_CORRELATION) return null;

  const owners = assignWindows(analysis.leftDb, analysis.rightDb);
  const turns = smoothIntoTurns(owners, framesPerWindow / ANALYSIS_SAMPLE_RATE);
  // One silent side means the channels do not separate the parties (e.g. a mono call on one side).
  const speakers = new Set(turns.map((turn) => turn.speaker));
  if (!speakers.has(LEFT_CHANNEL_SPEAKER) || !speakers.has(RIGHT_CHANNEL_SPEAKER)) return null;

  const durationSeconds = analysis.frameCount / ANALYSIS_SAMPLE_RATE;
  for (const turn of turns) turn.end = Math.min(turn.end, durationSeconds);
  return turns;
}

/** Per-window channel energies and whole-file correlation, fed chunk by chunk. */
class ChannelAnalysis {
  readonly leftDb: number[] = [];
  readonly rightDb: number[] = [];
  frameCount = 0;

  private carry: Buffer = Buffer.alloc(0);
  private windowFrames = 0;
  private windowLeftSquares = 0;
  private windowRightSquares = 0;
  private sumLeft = 0;
  private sumRight = 0;
  private sumLeftSquares = 0;
  private sumRightSquares = 0;
  private sumProducts = 0;

  constructor(private readonly framesPerWindow: number) {}

  push(chunk: Buffer): void {
    // A chunk may end in the middle of a frame; keep the remainder for the next one.
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const usable = bytes.length - (bytes.length % BYTES_PER_STEREO_FRAME);
    for (let offset = 0; offset < usable; offset += BYTES_PER_STEREO_FRAME) {
      const left = bytes.readInt16LE(offset);
      const right = bytes.readInt16LE(offset + 2);
      this.sumLeft += left;
      this.sumRight += right;
      this.sumLeftSquares += left * left;
      this.sumRightSquares += right * right;
      this.sumProducts += left * right;
      this.windowLeftSquares += left * left;
      this.windowRightSquares += right * right;
      if (++this.windowFrames === this.framesPerWindow) this.closeWindow();
    }
    this.frameCount += usable / BYTES_PER_STEREO_FRAME;
    this.carry = Buffer.from(bytes.subarray(usable));
  }

  finish(): void {
    // A trailing partial window is kept only if it is at least half a window long.
    if (this.windowFrames * 2 >= this.framesPerWindow) this.closeWindow();
  }

  /** Pearson correlation of the two channels over the whole file (0 when either is silent). */
  correlation(): number {
    const n = this.frameCount;
    if (n === 0) return 0;
    const covariance = this.sumProducts - (this.sumLeft * this.sumRight) / n;
    const leftVariance = this.sumLeftSquares - (this.sumLeft * this.sumLeft) / n;
    const rightVariance = this.sumRightSquares - (this.sumRight * this.sumRight) / n;
    if (leftVariance <= 0 || rightVariance <= 0) return 0;
    return covariance / Math.sqrt(leftVariance * rightVariance);
  }

  private closeWindow(): void {
    this.leftDb.push(toDbfs(this.windowLeftSquares / this.windowFrames));
    this.rightDb.push(toDbfs(this.windowRightSquares / this.windowFrames));
    this.windowFrames = 0;
    this.windowLeftSquares = 0;
    this.windowRightSquares = 0;
  }
}

function toDbfs(meanSquare: number): number {
  return meanSquare > 0 ? Math.max(SILENCE_DB, 10 * Math.log10(meanSquare / FULL_SCALE_SQUARED)) : SILENCE_DB;
}

/** A window belongs to a side that is active (above its own noise floor) and clearly the louder one. */
function assignWindows(leftDb: readonly number[], rightDb: readonly number[]): WindowOwner[] {
  const leftThreshold = activityThreshold(leftDb);
  const rightThreshold = activityThreshold(rightDb);
  return leftDb.map((left, index) => {
    const right = rightDb[index] ?? SILENCE_DB;
    if (left >= leftThreshold && left - right >= DOMINANCE_DB) return LEFT_CHANNEL_SPEAKER;
    if (right >= rightThreshold && right - left >= DOMINANCE_DB) return RIGHT_CHANNEL_SPEAKER;
    return null;
  });
}

function activityThreshold(levelsDb: readonly number[]): number {
  const sorted = [...levelsDb].sort((a, b) => a - b);
  const noiseFloor = sorted[Math.floor((sorted.length - 1) * NOISE_FLOOR_PERCENTILE)] ?? SILENCE_DB;
  return Math.max(ABSOLUTE_ACTIVITY_FLOOR_DB, noiseFloor + ACTIVITY_ABOVE_NOISE_DB);
}

interface Run {
  owner: WindowOwner;
  start: number;
  end: number;
}

/** Drops flicker shorter than a turn, then joins a side's runs across short pauses. */
function smoothIntoTurns(owners: readonly WindowOwner[], windowSeconds: number): SpeakerTurn[] {
  const minTurnWindows = Math.max(1, Math.round(MIN_TURN_SECONDS / windowSeconds));
  const maxPauseWindows = Math.round(MAX_PAUSE_IN_TURN_SECONDS / windowSeconds);

  const runs = toRuns(owners).filter((run) => run.owner !== null && run.end - run.start >= minTurnWindows);
  const merged: Run[] = [];
  for (const run of runs) {
    const previous = merged.at(-1);
    if (previous && previous.owner === run.owner && run.start - previous.end <= maxPauseWindows) {
      previous.end = run.end;
    } else {
      merged.push({ ...run });
    }
  }
  return merged.map((run) => ({
    speaker: run.owner as Side,
    start: roundMs(run.start * windowSeconds),
    end: roundMs(run.end * windowSeconds),
  }));
}

function toRuns(owners: readonly WindowOwner[]): Run[] {
  const runs: Run[] = [];
  owners.forEach((owner, index) => {
    const current = runs.at(-1);
    if (current && current.owner === owner) current.end = index + 1;
    else runs.push({ owner, start: index, end: index + 1 });
  });
  return runs;
}

function roundMs(seconds: number): number {
  return Math.round(seconds * 1000) / 1000;
}
