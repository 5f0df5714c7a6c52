import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpeakerTurn } from "../types";
import { locateFfmpeg } from "./locateFfmpeg";
import { probeAudio } from "./probeAudio";
import { diarizeStereoChannels } from "./stereoChannels";
import { ffmpegMake, hasEspeak, makeTempDir, speak } from "./testing/testAudio";

const espeakAvailable = await hasEspeak();

describe("diarizeStereoChannels", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let ffmpeg: string;
  const path = (name: string) => join(temp.dir, name);
  const diarize = (file: string, windowSeconds?: number) =>
    diarizeStereoChannels({ ffmpegPath: ffmpeg, filePath: path(file), timeoutMs: 30_000, windowSeconds });

  beforeAll(async () => {
    ffmpeg = (await locateFfmpeg({ searchPath: "/usr/bin" })).path;
    temp = await makeTempDir();
    const hiss = ["-f", "lavfi", "-i", "anoisesrc=a=0.002:c=pink:r=44100:d=4:seed=7"];
    // Left: a tone 0–2 s; right: another tone 2–4 s; faint independent hiss on both sides.
    await ffmpegMake(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      "aevalsrc=if(lt(t\\,2)\\,0.4*sin(2*PI*440*t)\\,0)|if(gte(t\\,2)\\,0.4*sin(2*PI*660*t)\\,0):s=44100:d=4",
      ...hiss,
      "-f",
      "lavfi",
      "-i",
      "anoisesrc=a=0.002:c=pink:r=44100:d=4:seed=99",
      "-filter_complex",
      "[1:a][2:a]amerge=inputs=2[noise];[0:a][noise]amix=inputs=2:normalize=0",
      "-c:a",
      "pcm_s16le",
      path("sides.wav"),
    ]);
    await ffmpegMake(ffmpeg, ["-i", path("sides.wav"), "-c:a", "libmp3lame", "-b:a", "128k", path("sides.mp3")]);
    // Mono speech-like noise bursts, and the same saved as two identical channels.
    await ffmpegMake(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      "aevalsrc=if(lt(mod(t\\,2)\\,1)\\,0.3*sin(2*PI*300*t)\\,0):s=16000:d=4",
      path("mono.wav"),
    ]);
    await ffmpegMake(ffmpeg, ["-i", path("mono.wav"), "-ac", "2", path("dual-mono.wav")]);
    // Stereo where only the left side ever speaks.
    await ffmpegMake(ffmpeg, [
      "-f",
      "lavfi",
      "-i",
      "aevalsrc=0.3*sin(2*PI*300*t)|0:s=16000:d=3",
      path("left-only.wav"),
    ]);
  });
  afterAll(() => temp.remove());

  it.each(["sides.wav", "sides.mp3"])("gives the left side 0–2 s and the right side 2–4 s in %s", async (file) => {
    const turns = await diarize(file);
    expect(turns?.map((turn) => turn.speaker)).toEqual(["left", "right"]);
    const [left, right] = turns as [SpeakerTurn, SpeakerTurn];
    expect(left.start).toBeCloseTo(0, 1);
    expect(Math.abs(left.end - 2)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(right.start - 2)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(right.end - 4)).toBeLessThanOrEqual(0.1);
  });

  it("honours a custom window length", async () => {
    const turns = await diarize("sides.wav", 0.02);
    expect(turns?.map((turn) => turn.speaker)).toEqual(["left", "right"]);
    expect(Math.abs((turns?.[0]?.end ?? 0) - 2)).toBeLessThanOrEqual(0.04);
  });

  it("returns null for a mono file", async () => {
    await expect(diarize("mono.wav")).resolves.toBeNull();
  });

  it("returns null when both channels carry the same signal", async () => {
    await expect(diarize("dual-mono.wav")).resolves.toBeNull();
  });

  it("returns null when only one side ever speaks", async () => {
    await expect(diarize("left-only.wav")).resolves.toBeNull();
  });

  it("fails with ffmpeg_failed for a missing file", async () => {
    await expect(diarize("missing.wav")).rejects.toMatchObject({ code: "ffmpeg_failed" });
  });

  it.skipIf(!espeakAvailable)("follows a spoken exchange with crosstalk between the channels", async () => {
    await speak("Hello, thanks for calling. How can I help you today?", path("agent.wav"));
    await speak("Hi, I would like to move my appointment to Friday afternoon.", path("caller.wav"), "en-us");
    await speak("Sure, Friday at three works.", path("agent-2.wav"));
    const length = async (file: string) =>
      (await probeAudio(ffmpeg, path(file), { timeoutMs: 10_000 })).durationSeconds ?? 0;
    const agentEnd = 0.5 + (await length("agent.wav"));
    const callerStart = agentEnd + 0.6;
    const callerEnd = callerStart + (await length("caller.wav"));
    const agentAgain = callerEnd + 0.6;
    const ms = (seconds: number) => Math.round(seconds * 1000);

    // Each party on its own channel; the other party leaks in 20 dB down, as on a phone line.
    await ffmpegMake(ffmpeg, [
      "-i",
      path("agent.wav"),
      "-i",
      path("caller.wav"),
      "-i",
      path("agent-2.wav"),
      "-f",
      "lavfi",
      "-i",
      "anoisesrc=a=0.003:c=pink:r=22050:seed=3",
      "-f",
      "lavfi",
      "-i",
      "anoisesrc=a=0.003:c=pink:r=22050:seed=5",
      "-filter_complex",
      [
        `[0:a]adelay=${ms(0.5)}[a1]`,
        `[2:a]adelay=${ms(agentAgain)}[a2]`,
        "[a1][a2]amix=inputs=2:normalize=0:duration=longest,asplit[agent][agentLeak]",
        `[1:a]adelay=${ms(callerStart)},asplit[caller][callerLeak]`,
        "[agentLeak]volume=0.1[agentQuiet]",
        "[callerLeak]volume=0.1[callerQuiet]",
        "[agent][callerQuiet][3:a]amix=inputs=3:normalize=0:duration=first[left]",
        "[caller][agentQuiet][4:a]amix=inputs=3:normalize=0:duration=first[right]",
        "[left]apad,aformat=sample_fmts=fltp:sample_rates=22050:channel_layouts=mono[leftPadded]",
        "[right]apad,aformat=sample_fmts=fltp:sample_rates=22050:channel_layouts=mono[rightPadded]",
        `[leftPadded][rightPadded]join=inputs=2:channel_layout=stereo,atrim=0:${(agentAgain + 3).toFixed(2)}`,
      ].join(";"),
      "-c:a",
      "pcm_s16le",
      path("exchange.wav"),
    ]);

    const turns = await diarize("exchange.wav");
    expect(turns?.map((turn) => turn.speaker)).toEqual(["left", "right", "left"]);
    const [first, second, third] = turns as [SpeakerTurn, SpeakerTurn, SpeakerTurn];
    // Synthetic speech has its own leading/trailing quiet, hence the looser tolerance.
    expect(first.start).toBeGreaterThanOrEqual(0.45);
    expect(first.start).toBeLessThan(0.9);
    expect(first.end).toBeLessThanOrEqual(agentEnd + 0.1);
    expect(first.end).toBeGreaterThan(agentEnd - 0.6);
    expect(second.start).toBeGreaterThanOrEqual(callerStart - 0.05);
    expect(second.start).toBeLessThan(callerStart + 0.4);
    expect(second.end).toBeLessThanOrEqual(callerEnd + 0.1);
    expect(second.end).toBeGreaterThan(callerEnd - 0.6);
    expect(third.start).toBeGreaterThanOrEqual(agentAgain - 0.05);
  });
});
