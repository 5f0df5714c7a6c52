import { execFile } from "node:child_process";
import { access, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { locateFfmpeg } from "./locateFfmpeg";
import { buildPreprocessingFilters, preprocessAudio } from "./preprocessAudio";
import { probeAudio } from "./probeAudio";
import { childFfmpegPids, ffmpegMake, makeTempDir } from "./testing/testAudio";

const runFile = promisify(execFile);

/** Integrated loudness (LUFS) as ffmpeg's ebur128 meter reports it. */
async function integratedLoudness(ffmpeg: string, path: string): Promise<number> {
  const { stderr } = await runFile(ffmpeg, [
    "-hide_banner",
    "-nostdin",
    "-i",
    path,
    "-af",
    "ebur128",
    "-f",
    "null",
    "-",
  ]);
  const summary = stderr.slice(stderr.lastIndexOf("Summary:"));
  const match = /I:\s+(-?\d+(?:\.\d+)?) LUFS/.exec(summary);
  if (!match) throw new Error("no loudness summary");
  return Number(match[1]);
}

describe("preprocessAudio", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let ffmpeg: string;
  const path = (name: string) => join(temp.dir, name);

  beforeAll(async () => {
    ffmpeg = (await locateFfmpeg({ searchPath: "/usr/bin" })).path;
    temp = await makeTempDir();
    // A quiet 44.1 kHz stereo "call": a tone on each side over hiss and 50 Hz hum.
    await ffmpegMake(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      "aevalsrc=0.05*sin(2*PI*440*t)+0.05*sin(2*PI*50*t)|0.05*sin(2*PI*700*t):s=44100:d=5",
      "-f",
      "lavfi",
      "-i",
      "anoisesrc=a=0.01:c=white:r=44100:d=5",
      "-filter_complex",
      "[1:a]pan=stereo|c0=c0|c1=c0[hiss];[0:a][hiss]amix=inputs=2:normalize=0",
      "-c:a",
      "pcm_s16le",
      path("call.wav"),
    ]);
    await ffmpegMake(ffmpeg, ["-i", path("call.wav"), "-c:a", "libmp3lame", path("call.mp3")]);
  });
  afterAll(() => temp.remove());

  it.each(["call.wav", "call.mp3"])(
    "turns %s into loudness-normalised mono 16 kHz PCM of the same length",
    async (input) => {
      const outputPath = path(`${input}.clean.wav`);
      const result = await preprocessAudio({
        ffmpegPath: ffmpeg,
        inputPath: path(input),
        outputPath,
        timeoutMs: 30_000,
      });

      expect(result.outputPath).toBe(outputPath);
      expect(result.filters).toBe(
        "aformat=channel_layouts=mono,aresample=16000,highpass=f=80,afftdn=nr=12,loudnorm=I=-16:TP=-1.5:LRA=11,aresample=16000",
      );
      expect(result.elapsedMs).toBeGreaterThan(0);
      expect(result.durationSeconds).toBeGreaterThanOrEqual(4.95);
      expect(result.durationSeconds).toBeLessThanOrEqual(5.08);

      const output = await probeAudio(ffmpeg, outputPath, { timeoutMs: 10_000 });
      expect(output).toMatchObject({ channels: 1, sampleRate: 16000, codec: "pcm_s16le" });
      expect(output.durationSeconds).toBe(result.durationSeconds);
      // The input sits near -26 LUFS; loudnorm lifts it towards the -16 target.
      expect(await integratedLoudness(ffmpeg, outputPath)).toBeGreaterThan(-19);
      expect(await integratedLoudness(ffmpeg, outputPath)).toBeLessThan(-13);
    },
  );

  it("applies the configured high-pass, denoise and loudness target", async () => {
    const result = await preprocessAudio({
      ffmpegPath: ffmpeg,
      inputPath: path("call.wav"),
      outputPath: path("custom.wav"),
      highpassHz: 120,
      denoiseNrDb: 20,
      loudnessTarget: { integratedLufs: -23, truePeakDb: -2, lra: 7 },
      timeoutMs: 30_000,
    });
    expect(result.filters).toContain("highpass=f=120,afftdn=nr=20,loudnorm=I=-23:TP=-2:LRA=7");
    expect(await integratedLoudness(ffmpeg, path("custom.wav"))).toBeLessThan(-20);
  });

  it("rejects out-of-range settings before starting ffmpeg", () => {
    expect(() => buildPreprocessingFilters({ denoiseNrDb: 0 })).toThrow(
      expect.objectContaining({ code: "invalid_audio_options" }),
    );
    expect(() => buildPreprocessingFilters({ highpassHz: Number.NaN })).toThrow(
      expect.objectContaining({ code: "invalid_audio_options" }),
    );
  });

  it("fails with ffmpeg_failed on corrupt input and leaves no output behind", async () => {
    await writeFile(path("corrupt.m4a"), Buffer.alloc(4096, 7));
    const outputPath = path("corrupt.clean.wav");
    const failure = await preprocessAudio({
      ffmpegPath: ffmpeg,
      inputPath: path("corrupt.m4a"),
      outputPath,
      timeoutMs: 30_000,
    }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ name: "ProviderError", code: "ffmpeg_failed" });
    expect((failure as Error).message).not.toContain(temp.dir);
    await expect(access(outputPath)).rejects.toThrow();
    expect((await readdir(temp.dir)).filter((name) => name.startsWith("corrupt.clean"))).toEqual([]);
  });

  describe("with an input that never arrives (a FIFO nobody writes to)", () => {
    let fifo: string;
    beforeAll(async () => {
      fifo = path("stalled.fifo");
      await runFile("mkfifo", [fifo]);
    });

    it("kills ffmpeg on timeout and fails with ffmpeg_timeout", async () => {
      const startedAt = Date.now();
      const failure = await preprocessAudio({
        ffmpegPath: ffmpeg,
        inputPath: fifo,
        outputPath: path("stalled.wav"),
        timeoutMs: 300,
      }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: "ffmpeg_timeout" });
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      expect(await childFfmpegPids()).toEqual([]);
    });

    it("kills ffmpeg when the caller aborts and fails with ffmpeg_aborted", async () => {
      const controller = new AbortController();
      const pending = preprocessAudio({
        ffmpegPath: ffmpeg,
        inputPath: fifo,
        outputPath: path("aborted.wav"),
        timeoutMs: 60_000,
        signal: controller.signal,
      }).catch((error: unknown) => error);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await childFfmpegPids()).toHaveLength(1);
      controller.abort();
      expect(await pending).toMatchObject({ code: "ffmpeg_aborted" });
      expect(await childFfmpegPids()).toEqual([]);
    });
  });
});
