import { describe, expect, it } from "vitest";
import { runFfmpeg } from "./runFfmpeg";
import { childFfmpegPids } from "./testing/testAudio";

const FFMPEG = "/usr/bin/ffmpeg";

describe("runFfmpeg", () => {
  it("streams stdout to the callback and returns the exit code", async () => {
    let bytes = 0;
    const run = await runFfmpeg(
      FFMPEG,
      [
        "-hide_banner",
        "-nostdin",
        "-f",
        "lavfi",
        "-i",
        "sine=d=1:sample_rate=8000",
        "-f",
        "s16le",
        "-c:a",
        "pcm_s16le",
        "pipe:1",
      ],
      { timeoutMs: 10_000, onStdout: (chunk) => (bytes += chunk.length) },
    );
    expect(run.exitCode).toBe(0);
    expect(bytes).toBe(8000 * 2);
    expect(run.stderr).toContain("Input #0");
  });

  it("reports a missing binary as ffmpeg_not_found", async () => {
    await expect(runFfmpeg("/nonexistent/ffmpeg", ["-version"], { timeoutMs: 5_000 })).rejects.toMatchObject({
      code: "ffmpeg_not_found",
    });
  });

  it("does not start when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      runFfmpeg(FFMPEG, ["-version"], { timeoutMs: 5_000, signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "ffmpeg_aborted",
    });
  });

  it("kills ffmpeg and rethrows when the stdout consumer fails", async () => {
    const failure = new Error("consumer broke");
    await expect(
      runFfmpeg(
        FFMPEG,
        ["-hide_banner", "-nostdin", "-re", "-f", "lavfi", "-i", "sine=d=60", "-f", "s16le", "pipe:1"],
        {
          timeoutMs: 20_000,
          onStdout: () => {
            throw failure;
          },
        },
      ),
    ).rejects.toBe(failure);
    expect(await childFfmpegPids()).toEqual([]);
  });
});
