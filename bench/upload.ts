/**
 * A 50 MB upload streamed as multipart to the real server running in its own
 * process: throughput as a ratio to copying the same bytes with fs streams, and
 * the server's peak RSS growth sampled from /proc while the upload runs (it must
 * stay far below the file size: the route streams to storage).
 *
 *   npx tsx bench/upload.ts [--scale 1]
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { REPO_ROOT } from "@scryon/server/testing";
import { benchOptions, fixed, printTable, progress, ratio } from "./lib/report";

const MB = 1024 * 1024;
const FULL_SIZE_MB = 50;
const RUNS = 3;

/** A PCM WAV header for `dataBytes` of 16-bit mono 16 kHz audio, then noise. */
async function writeWav(file: string, totalBytes: number) {
  const header = Buffer.alloc(44);
  const dataBytes = totalBytes - 44;
  header.write("RIFF", 0);
  header.writeUInt32LE(totalBytes - 8, 4);
  header.write("WAVEfmt ", 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(16_000, 24);
  header.writeUInt32LE(32_000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write("data", 36);
  header.writeUInt32LE(dataBytes, 40);
  const noise = randomBytes(MB);
  async function* chunks() {
    yield header;
    for (let left = dataBytes; left > 0; left -= noise.length)
      yield left >= noise.length ? noise : noise.subarray(0, left);
  }
  await pipeline(Readable.from(chunks()), fs.createWriteStream(file));
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = http.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/** The real server (`apps/server/src/main.ts`) in a child process, so its RSS is its own. */
async function startServerProcess(dataDir: string) {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "apps/server/src/main.ts")], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      SCRYON_DATA_DIR: dataDir,
      SCRYON_LOG_LEVEL: "silent",
      // Only the API: the upload is what is measured, not the worker picking the call up.
      SCRYON_ROLE: "api",
      MAX_FILE_SIZE: String(200 * MB),
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const healthy = await fetch(`${url}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) throw new Error("server did not become healthy in 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    },
  };
}

const rssBytes = async (pid: number) => {
  const status = await fsp.readFile(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
};

/** Streams `file` as the `file` part of a multipart body; nothing is buffered whole. */
async function uploadStreamed(url: string, file: string) {
  const boundary = `----scryon-bench-${randomBytes(8).toString("hex")}`;
  const head = Buffer.from(
    `--${boundary}\r\ncontent-disposition: form-data; name="metadata"\r\n\r\n{"title":"Upload bench"}\r\n` +
      `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="bench.wav"\r\ncontent-type: audio/wav\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const { size } = await fsp.stat(file);
  async function* body() {
    yield head;
    yield* fs.createReadStream(file, { highWaterMark: 256 * 1024 });
    yield tail;
  }
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const request = http.request(`${url}/api/calls/analyze`, {
      method: "POST",
      headers: {
        "content-type": `multipart/form-data; boundary=${boundary}`,
        "content-length": head.length + size + tail.length,
      },
    });
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on("error", reject);
    pipeline(Readable.from(body()), request).catch(reject);
  });
}

export async function benchUpload(argv = process.argv.slice(2)) {
  const { scale } = benchOptions(argv);
  const sizeBytes = Math.max(1, Math.round(FULL_SIZE_MB * scale)) * MB;
  const sizeMb = sizeBytes / MB;
  const workDir = await fsp.mkdtemp(path.join(os.tmpdir(), "scryon-bench-upload-"));
  const source = path.join(workDir, "source.wav");
  await writeWav(source, sizeBytes);
  const server = await startServerProcess(path.join(workDir, "data"));
  try {
    progress(`uploading ${sizeMb} MB × ${RUNS} (after one warm-up), and copying it with fs streams × ${RUNS}`);
    const warmUp = await uploadStreamed(server.url, source);
    if (warmUp.status !== 202) throw new Error(`upload answered ${warmUp.status}: ${warmUp.body}`);

    const uploads: Array<{ seconds: number; growth: number }> = [];
    for (let i = 0; i < RUNS; i++) {
      const before = await rssBytes(server.pid);
      let peak = before;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, await rssBytes(server.pid));
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      })();
      const started = performance.now();
      const { status, body } = await uploadStreamed(server.url, source);
      const seconds = (performance.now() - started) / 1000;
      sampling = false;
      await sampler;
      if (status !== 202) throw new Error(`upload answered ${status}: ${body}`);
      uploads.push({ seconds, growth: peak - before });
    }

    const copies: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      await pipeline(fs.createReadStream(source), fs.createWriteStream(path.join(workDir, `copy-${i}.wav`)));
      copies.push((performance.now() - started) / 1000);
    }

    const best = (values: number[]) => Math.min(...values);
    const uploadMbps = sizeMb / best(uploads.map((u) => u.seconds));
    const copyMbps = sizeMb / best(copies);
    const peakGrowthMb = Math.max(...uploads.map((u) => u.growth)) / MB;
    printTable(
      `Upload of a ${sizeMb} MB WAV, streamed multipart to the server in its own process (best of ${RUNS}; scale ${scale}); ratio = upload / fs stream copy`,
      ["path", "MB/s", "ratio", "peak server RSS growth MB", "growth / file size"],
      [
        [
          "POST /api/calls/analyze",
          fixed(uploadMbps),
          ratio(uploadMbps, copyMbps),
          fixed(peakGrowthMb),
          `${((peakGrowthMb / sizeMb) * 100).toFixed(1)}%`,
        ],
        ["fs.createReadStream → createWriteStream", fixed(copyMbps), "1.00×", "—", "—"],
      ],
    );
  } finally {
    await server.stop();
    await fsp.rm(workDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchUpload();
