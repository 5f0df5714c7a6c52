import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sleep } from "./profile";

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const fixture = (...parts: string[]) => path.join(REPO_ROOT, "fixtures", ...parts);

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });

export const makeDataDir = (label: string) => fs.mkdtemp(path.join(os.tmpdir(), `scryon-reliability-${label}-`));

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  pid: number;
  /** Everything the process wrote to stderr (warnings and crashes). */
  stderr(): string;
  /** Resident set size now, from /proc/<pid>/status, in bytes. */
  rssBytes(): Promise<number>;
  kill9(): Promise<void>;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The real server binary (`npm start`'s entry point) as a child process, so a
 * kill -9 is a real crash: no finally blocks, no graceful release of jobs.
 */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      SCRYON_LOG_LEVEL: "error",
      SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf8")).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    url,
    child,
    pid: child.pid!,
    stderr: () => stderr,
    async rssBytes() {
      const status = await fs.readFile(`/proc/${child.pid}/status`, "utf8");
      const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
      if (!kb) throw new Error("no VmRSS in /proc status");
      return Number(kb) * 1024;
    },
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      return exited;
    },
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${stderr}`);
    if (
      await fetch(`${url}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return server;
    await sleep(100);
  }
  await server.kill9();
  throw new Error(`server did not start: ${stderr}`);
}
