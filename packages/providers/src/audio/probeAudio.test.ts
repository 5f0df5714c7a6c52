import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearFfmpegLocationCache, locateFfmpeg } from "./locateFfmpeg";
import { probeAudio } from "./probeAudio";
import { ffmpegMake, makeTempDir } from "./testing/testAudio";

const TIMEOUT = { timeoutMs: 20_000 };

// The same behaviour is required from the system ffmpeg and from the old static npm binary.
describe.each([
  { label: "system ffmpeg", searchPath: "/usr/bin" },
  { label: "npm package ffmpeg", searchPath: "" },
])("probeAudio with the $label", ({ searchPath }) => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let ffmpeg: string;
  const input = (name: string) => join(temp.dir, name);

  beforeAll(async () => {
    clearFfmpegLocationCache();
    ffmpeg = (await locateFfmpeg({ searchPath })).path;
    temp = await makeTempDir();
    const systemFfmpeg = (await locateFfmpeg({ searchPath: "/usr/bin" })).path;
    await ffmpegMake(systemFfmpeg, [
      "-f",
      "lavfi",
      "-i",
      "sine=f=440:d=3.3:sample_rate=44100",
      "-ac",
      "2",
      input("tone.wav"),
    ]);
    for (const extension of ["mp3", "ogg", "m4a", "aac"]) {
      await ffmpegMake(systemFfmpeg, ["-i", input("tone.wav"), input(`tone.${extension}`)]);
    }
    // 3 s of noise then 6 s of silence, VBR without a Xing header: the header's estimate is wrong.
    await ffmpegMake(systemFfmpeg, [
      "-f",
      "lavfi",
      "-i",
      "anoisesrc=d=3:a=0.5:c=pink:r=44100",
      "-f",
      "lavfi",
      "-i",
      "anullsrc=r=44100:cl=mono",
      "-filter_complex",
      "[1:a]atrim=0:6[silence];[0:a][silence]concat=n=2:v=0:a=1",
      "-c:a",
      "libmp3lame",
      "-q:a",
      "9",
      "-write_xing",
      "0",
      input("vbr.mp3"),
    ]);
    await ffmpegMake(systemFfmpeg, ["-f", "lavfi", "-i", "sine=f=300:d=1.5:sample_rate=8000", input("mono.wav")]);
    await ffmpegMake(systemFfmpeg, [
      "-f",
      "lavfi",
      "-i",
      "color=c=black:s=32x32:d=1",
      "-c:v",
      "ffv1",
      input("video-only.mkv"),
    ]);
  });
  afterAll(() => temp.remove());

  it.each([
    { file: "tone.wav", codec: "pcm_s16le" },
    { file: "tone.mp3", codec: "mp3" },
    { file: "tone.ogg", codec: "vorbis" },
    { file: "tone.m4a", codec: "aac" },
    { file: "tone.aac", codec: "aac" },
  ])("measures $file", async ({ file, codec }) => {
    const probe = await probeAudio(ffmpeg, input(file), TIMEOUT);
    expect(probe.codec).toBe(codec);
    expect(probe.channels).toBe(2);
    expect(probe.sampleRate).toBe(44100);
    // Encoders add priming samples (AAC ~1024, MP3 ~1105); a few tens of ms at most.
    expect(probe.durationSeconds).toBeGreaterThanOrEqual(3.29);
    expect(probe.durationSeconds).toBeLessThanOrEqual(3.36);
  });

  it("reports mono and the sample rate", async () => {
    const probe = await probeAudio(ffmpeg, input("mono.wav"), TIMEOUT);
    expect(probe).toEqual({ durationSeconds: 1.5, channels: 1, sampleRate: 8000, codec: "pcm_s16le" });
  });

  it("decodes for the true duration when the header estimate is wrong", async () => {
    const probe = await probeAudio(ffmpeg, input("vbr.mp3"), TIMEOUT);
    expect(probe.durationSeconds).toBeGreaterThanOrEqual(8.99);
    expect(probe.durationSeconds).toBeLessThanOrEqual(9.06);
  });

  it("fails with audio_stream_missing for a file without audio", async () => {
    await expect(probeAudio(ffmpeg, input("video-only.mkv"), TIMEOUT)).rejects.toMatchObject({
      code: "audio_stream_missing",
    });
  });

  it("fails with ffmpeg_failed for a corrupt or missing file, without the path in the message", async () => {
    const corrupt = input("corrupt.wav");
    await writeFile(corrupt, Buffer.from("RIFF....WAVEfmt this is not audio at all"));
    for (const path of [corrupt, input("does-not-exist.wav")]) {
      const failure = await probeAudio(ffmpeg, path, TIMEOUT).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: "ffmpeg_failed" });
      expect(String((failure as Error).message)).not.toContain(temp.dir);
    }
  });
});
