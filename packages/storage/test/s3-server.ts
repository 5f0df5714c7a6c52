import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SERVER = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures/s3-server.mjs");

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** "METHOD url" of every request the server has received so far. */
  requests: string[];
  stop(): Promise<void>;
}

/** Starts s3rver on 127.0.0.1 (random port) with its data in a temp directory. */
export async function startS3Server(bucket = "scryon-test"): Promise<TestS3Server> {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), "scryon-s3rver-"));
  const child = spawn(process.execPath, ["--openssl-legacy-provider", SERVER, directory, bucket], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const requests: string[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = "";
    child.stdout.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        if (line.startsWith("listening ")) resolve(Number(line.slice("listening ".length)));
        else if (line.startsWith("request ")) requests.push(line.slice("request ".length));
      }
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    requests,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}
