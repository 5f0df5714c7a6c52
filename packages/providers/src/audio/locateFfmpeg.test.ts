import { chmod, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "../types";
import { clearFfmpegLocationCache, locateFfmpeg } from "./locateFfmpeg";
import { makeTempDir } from "./testing/testAudio";

const SYSTEM_FFMPEG = "/usr/bin/ffmpeg";

describe("locateFfmpeg", () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let notFfmpeg: string;

  beforeAll(async () => {
    temp = await makeTempDir();
    // An executable that runs fine but is not ffmpeg.
    notFfmpeg = join(temp.dir, "ffmpeg");
    await writeFile(notFfmpeg, "#!/bin/sh\necho 'something else'\n");
    await chmod(notFfmpeg, 0o755);
  });
  afterAll(() => temp.remove());
  beforeEach(() => clearFfmpegLocationCache());

  it("uses a valid configured path", async () => {
    const packaged = await locateFfmpeg({ searchPath: "" });
    expect(packaged.source).toBe("NPM_PACKAGE");

    await expect(locateFfmpeg({ configuredPath: packaged.path })).resolves.toEqual({
      path: packaged.path,
      source: "CONFIGURED",
    });
  });

  it("falls back to the system ffmpeg when the configured path does not exist", async () => {
    await expect(
      locateFfmpeg({ configuredPath: join(temp.dir, "missing-ffmpeg"), searchPath: "/usr/local/bin:/usr/bin" }),
    ).resolves.toEqual({ path: SYSTEM_FFMPEG, source: "SYSTEM" });
  });

  it("falls back when the configured binary is not ffmpeg, and skips such binaries on the PATH", async () => {
    await expect(locateFfmpeg({ configuredPath: notFfmpeg, searchPath: `${temp.dir}:/usr/bin` })).resolves.toEqual({
      path: SYSTEM_FFMPEG,
      source: "SYSTEM",
    });
  });

  it("falls back to the npm package binary when the PATH has no ffmpeg", async () => {
    const located = await locateFfmpeg({ configuredPath: "   ", searchPath: temp.dir });
    expect(located.source).toBe("NPM_PACKAGE");
    expect(located.path).toContain("@ffmpeg-installer");
  });

  it("throws ffmpeg_not_found when nothing works", async () => {
    const attempt = locateFfmpeg({ configuredPath: notFfmpeg, searchPath: temp.dir, allowPackagedBinary: false });
    await expect(attempt).rejects.toBeInstanceOf(ProviderError);
    await expect(attempt).rejects.toMatchObject({ code: "ffmpeg_not_found" });
  });

  it("caches a successful look-up but retries a failed one", async () => {
    const options = { searchPath: "/usr/bin" };
    expect(locateFfmpeg(options)).toBe(locateFfmpeg(options));

    const failing = { searchPath: temp.dir, allowPackagedBinary: false };
    const first = locateFfmpeg(failing);
    await first.catch(() => undefined);
    expect(locateFfmpeg(failing)).not.toBe(first);
    await locateFfmpeg(failing).catch(() => undefined);
  });
});
