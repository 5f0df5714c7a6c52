import { execFile } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/scryon.mjs", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real binary in a child process, with only the environment the test gives it. */
export function scryon(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir(), SCRYON_LOG_LEVEL: "silent", ...env },
        timeout: 120_000,
      },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
  });
}
