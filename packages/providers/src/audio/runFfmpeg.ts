import { spawn } from "node:child_process";
import { ProviderError } from "../types";

export interface RunFfmpegOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Receives stdout as it arrives; without it stdout is discarded (never buffered whole). */
  onStdout?: (chunk: Buffer) => void;
}

export interface FfmpegRun {
  exitCode: number;
  /** The start and the end of stderr: the input description comes first, the final stats last. */
  stderr: string;
}

// Long decodes print a progress line every half second; keeping only both ends bounds memory.
const STDERR_HEAD_CHARS = 64 * 1024;
const STDERR_TAIL_CHARS = 16 * 1024;

/**
 * Runs ffmpeg (or any binary) to completion. The child is killed with SIGKILL on
 * timeout or abort: ffmpeg answers SIGTERM by finishing its output, which can take long.
 * Error messages never contain arguments, since those hold file paths.
 */
export function runFfmpeg(binaryPath: string, args: readonly string[], options: RunFfmpegOptions): Promise<FfmpegRun> {
  const { timeoutMs, signal, onStdout } = options;
  if (signal?.aborted) return Promise.reject(abortedError());

  return new Promise<FfmpegRun>((resolve, reject) => {
    const child = spawn(binaryPath, args, { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
    let stderrHead = "";
    let stderrTail = "";
    let stopReason: ProviderError | null = null;
    let callbackError: unknown = null;

    const stop = (reason: ProviderError): void => {
      if (stopReason || callbackError) return;
      stopReason = reason;
      child.kill("SIGKILL");
    };
    const onAbort = (): void => stop(abortedError());
    const timer = setTimeout(
      () => stop(new ProviderError("ffmpeg_timeout", `ffmpeg did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener("abort", onAbort, { once: true });

    child.stdout.on("data", (chunk: Buffer) => {
      if (!onStdout || callbackError) return;
      try {
        onStdout(chunk);
      } catch (error) {
        callbackError = error;
        child.kill("SIGKILL");
      }
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      if (stderrHead.length < STDERR_HEAD_CHARS) {
        const room = STDERR_HEAD_CHARS - stderrHead.length;
        stderrHead += text.slice(0, room);
        text = text.slice(room);
      }
      if (text) stderrTail = (stderrTail + text).slice(-STDERR_TAIL_CHARS);
    });

    const cleanUp = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    child.once("error", (error: NodeJS.ErrnoException) => {
      cleanUp();
      const code = error.code === "ENOENT" || error.code === "EACCES" ? "ffmpeg_not_found" : "ffmpeg_failed";
      // No `cause`: Node's spawn error carries the arguments, and with them the file paths.
      reject(new ProviderError(code, `could not start ffmpeg (${error.code ?? "unknown"})`));
    });
    // "close" (not "exit") so that all stdout has been delivered before we resolve.
    child.once("close", (exitCode, exitSignal) => {
      cleanUp();
      if (callbackError) return reject(callbackError);
      if (stopReason) return reject(stopReason);
      if (exitCode === null) {
        return reject(new ProviderError("ffmpeg_failed", `ffmpeg was killed by ${exitSignal ?? "a signal"}`));
      }
      resolve({ exitCode, stderr: stderrHead + stderrTail });
    });
  });
}

function abortedError(): ProviderError {
  return new ProviderError("ffmpeg_aborted", "ffmpeg run was aborted");
}
