import { spawn } from "node:child_process";

/** A "word" the fake providers hear: a stretch of sound between quiet gaps, named by its pitch. */
export interface HeardWord {
  text: string;
  start: number;
  end: number;
}

const SAMPLE_RATE = 16_000;
const FRAME_SECONDS = 0.01;
const FRAME_SAMPLES = SAMPLE_RATE * FRAME_SECONDS;
/** Quieter than this (of full scale) is a gap. */
const LEVEL_THRESHOLD = 0.03 * 32768;
/** Gaps shorter than this do not split a word. */
const MAX_GAP_FRAMES = 3;
const MIN_WORD_FRAMES = 4;

/** The name a tone of this frequency is heard as, so a test can say what it generated: `tone500`. */
export const toneWord = (frequencyHz: number) => `tone${Math.round(frequencyHz / 50) * 50}`;

/**
 * A deterministic stand-in for speech recognition, used by the fake provider
 * servers: it decodes the uploaded audio with ffmpeg (streamed, whatever the
 * format) and reports each sounding stretch as a word named after its pitch
 * (zero crossings). Tones generated with sox are heard exactly; speech is heard
 * as one word per voiced stretch. Times are seconds from the start of the upload.
 */
export function recognizeTones(ffmpegPath: string, filePath: string): Promise<HeardWord[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      ffmpegPath,
      ["-hide_banner", "-nostdin", "-i", filePath, "-ac", "1", "-ar", String(SAMPLE_RATE), "-f", "s16le", "-"],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    const words: HeardWord[] = [];
    let frame = 0;
    let inFrame = 0;
    let sumSquares = 0;
    let crossings = 0;
    let lastSign = 0;
    let open: { startFrame: number; lastLoudFrame: number; crossings: number; frames: number } | null = null;
    let carry: Buffer | null = null;

    const close = () => {
      if (!open) return;
      const frames = open.lastLoudFrame - open.startFrame + 1;
      if (frames >= MIN_WORD_FRAMES) {
        const frequency = open.crossings / 2 / (open.frames * FRAME_SECONDS);
        words.push({
          text: toneWord(frequency),
          start: round(open.startFrame * FRAME_SECONDS),
          end: round((open.lastLoudFrame + 1) * FRAME_SECONDS),
        });
      }
      open = null;
    };
    const endFrame = () => {
      const loud = Math.sqrt(sumSquares / FRAME_SAMPLES) > LEVEL_THRESHOLD;
      if (loud) {
        if (open && frame - open.lastLoudFrame > MAX_GAP_FRAMES + 1) close();
        open ??= { startFrame: frame, lastLoudFrame: frame, crossings: 0, frames: 0 };
        open.lastLoudFrame = frame;
        open.crossings += crossings;
        open.frames += 1;
      } else if (open && frame - open.lastLoudFrame > MAX_GAP_FRAMES) {
        close();
      }
      frame++;
      inFrame = 0;
      sumSquares = 0;
      crossings = 0;
    };

    child.stdout.on("data", (data: Buffer) => {
      const bytes = carry ? Buffer.concat([carry, data]) : data;
      const usable = bytes.length - (bytes.length % 2);
      carry = usable < bytes.length ? bytes.subarray(usable) : null;
      for (let i = 0; i < usable; i += 2) {
        const sample = bytes.readInt16LE(i);
        sumSquares += sample * sample;
        const sign = sample > 0 ? 1 : sample < 0 ? -1 : 0;
        if (sign !== 0 && lastSign !== 0 && sign !== lastSign) crossings++;
        if (sign !== 0) lastSign = sign;
        if (++inFrame === FRAME_SAMPLES) endFrame();
      }
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0) return reject(new Error(`ffmpeg could not decode the upload (exit ${code})`));
      if (inFrame > 0) endFrame();
      close();
      resolve(words);
    });
  });
}

const round = (seconds: number) => Math.round(seconds * 1000) / 1000;

/** One piece of a generated recording: a tone (a "word") or a pause. */
export type TonePiece = { frequencyHz: number; seconds: number } | { silenceSeconds: number };

/**
 * Writes a 16 kHz mono 16-bit WAV of tones and pauses, streamed block by block
 * (hours of audio never sit in memory), and returns the words a recogniser
 * should hear in it, with their times.
 */
export async function writeToneRecording(filePath: string, pieces: Iterable<TonePiece>): Promise<HeardWord[]> {
  const { open } = await import("node:fs/promises");
  const file = await open(filePath, "w");
  const expected: HeardWord[] = [];
  try {
    await file.write(Buffer.alloc(44), 0, 44, 0);
    let position = 44;
    let samples = 0;
    for (const piece of pieces) {
      const count = Math.round(("seconds" in piece ? piece.seconds : piece.silenceSeconds) * SAMPLE_RATE);
      const block = Buffer.alloc(count * 2);
      if ("frequencyHz" in piece) {
        for (let i = 0; i < count; i++) {
          block.writeInt16LE(
            Math.round(0.5 * 32767 * Math.sin((2 * Math.PI * piece.frequencyHz * i) / SAMPLE_RATE)),
            i * 2,
          );
        }
        expected.push({
          text: toneWord(piece.frequencyHz),
          start: round(samples / SAMPLE_RATE),
          end: round((samples + count) / SAMPLE_RATE),
        });
      }
      await file.write(block, 0, block.length, position);
      position += block.length;
      samples += count;
    }
    const header = Buffer.alloc(44);
    header.write("RIFF", 0);
    header.writeUInt32LE(36 + samples * 2, 4);
    header.write("WAVEfmt ", 8);
    header.writeUInt32LE(16, 16);
    header.writeUInt16LE(1, 20);
    header.writeUInt16LE(1, 22);
    header.writeUInt32LE(SAMPLE_RATE, 24);
    header.writeUInt32LE(SAMPLE_RATE * 2, 28);
    header.writeUInt16LE(2, 32);
    header.writeUInt16LE(16, 34);
    header.write("data", 36);
    header.writeUInt32LE(samples * 2, 40);
    await file.write(header, 0, 44, 0);
  } finally {
    await file.close();
  }
  return expected;
}

/** Tones of 0.4 s with 0.1 s gaps (too short to cut in), a 0.8 s pause after every `pauseEvery` words (0: never). */
export function* toneSpeech(totalSeconds: number, pauseEvery = 0): Generator<TonePiece> {
  let elapsed = 0;
  let index = 0;
  while (elapsed + 0.5 <= totalSeconds) {
    yield { frequencyHz: 400 + (index % 12) * 100, seconds: 0.4 };
    index++;
    const pause = pauseEvery > 0 && index % pauseEvery === 0 ? 0.8 : 0.1;
    yield { silenceSeconds: pause };
    elapsed += 0.4 + pause;
  }
}
