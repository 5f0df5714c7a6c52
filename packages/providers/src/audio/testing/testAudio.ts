import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

/** Test-only helpers: real audio made with ffmpeg's lavfi sources (and espeak-ng when installed). */

const run = promisify(execFile);

export async function makeTempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "scryon-audio-test-"));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs ffmpeg quietly with the given arguments (inputs, filters, output). */
export async function ffmpegMake(ffmpegPath: string, args: readonly string[]): Promise<void> {
  await run(ffmpegPath, ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", ...args]);
}

export async function hasEspeak(): Promise<boolean> {
  try {
    await run("espeak-ng", ["--version"]);
    return true;
  } catch {
    return false;
  }
}

/** Synthesises speech to a mono WAV. */
export async function speak(text: string, outputPath: string, voice = "en"): Promise<void> {
  await run("espeak-ng", ["-v", voice, "-w", outputPath, text]);
}

/** PIDs of live ffmpeg processes started by this process. */
export async function childFfmpegPids(): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      // Format: pid (comm) state ppid …; comm may contain spaces, so split after the last ")".
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (comm === "ffmpeg" && Number(ppid) === process.pid && state !== "Z") pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
