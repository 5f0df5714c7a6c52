/**
 * Issue 12's "done when", measured: a 40-minute and a 2-hour call, uploaded to
 * the server running as its own process (`node --import tsx apps/server/src/main.ts`,
 * as `npm start` runs it: embedded mode, preprocessing on, the default FLAC
 * transcription format), against a local OpenAI-compatible server that refuses
 * bodies over 25 MiB with OpenAI's 413. Each size gets a fresh server process, so
 * its peak RSS (VmHWM from /proc/<pid>/status) belongs to that call alone: it
 * should not grow with the call's length (docs/architecture.md § Transcription
 * within provider limits). Per call: wall time (upload to COMPLETED), requests
 * sent, the largest request body, the transcript's coverage (first and last
 * segment against the call's length; every word heard, in order), and what is
 * left in the server's temp directory afterwards (should be nothing).
 *
 *   npx tsx bench/long-call.ts [--scale 1] [--format flac|wav|mp3|opus]
 *
 * The recordings are generated tones (toneSpeech), written to a temp directory
 * and deleted afterwards; `--scale 0.1` makes them 4 and 12 minutes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { locateFfmpeg } from "@scryon/providers";
import {
  type HeardWord,
  OPENAI_MAX_BODY_BYTES,
  startFakeOpenAiTranscription,
  toneSpeech,
  writeToneRecording,
} from "@scryon/providers/testing";
import { getJson, uploadFile } from "@scryon/server/testing";
import { benchOptions, fixed, printTable, progress } from "./lib/report";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SIZES = [
  { name: "40-minute call", seconds: 40 * 60 },
  { name: "2-hour call", seconds: 2 * 3600 },
];
const MiB = 1024 * 1024;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Peak and current resident set of a process, in MiB (Linux /proc). */
async function memoryOf(pid: number): Promise<{ peakMiB: number; currentMiB: number }> {
  const status = await fs.readFile(`/proc/${pid}/status`, "utf8");
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { peakMiB: kib("VmHWM") / 1024, currentMiB: kib("VmRSS") / 1024 };
}

interface ServerProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "apps/server/src/main.ts")], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", SCRYON_LOG_LEVEL: "warn" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 600) throw new Error("the server did not start within 60 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function listFiles(dir: string): Promise<Array<{ file: string; bytes: number }>> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((entry) => entry.isFile());
  return Promise.all(
    files.map(async (entry) => {
      const file = path.join(entry.parentPath, entry.name);
      return { file: path.relative(dir, file), bytes: (await fs.stat(file)).size };
    }),
  );
}

export async function benchLongCall(argv = process.argv.slice(2)) {
  const { scale } = benchOptions(argv);
  const formatIndex = argv.indexOf("--format");
  const format = formatIndex >= 0 ? argv[formatIndex + 1]! : "flac";
  const ffmpegPath = (await locateFfmpeg())?.path;
  if (!ffmpegPath) throw new Error("ffmpeg is needed (the fake provider decodes what it receives)");
  const work = await fs.mkdtemp(path.join(os.tmpdir(), "bench-long-call-"));
  const openai = await startFakeOpenAiTranscription({
    ffmpegPath,
    apiKey: "bench",
    maxBodyBytes: OPENAI_MAX_BODY_BYTES,
  });
  const rows: Array<Array<string | number>> = [];
  const leftovers: string[] = [];
  try {
    for (const size of SIZES) {
      const seconds = Math.round(size.seconds * scale);
      const recording = path.join(work, `call-${seconds}.wav`);
      progress(`${size.name}: generating ${seconds} s of tone speech`);
      const expected: HeardWord[] = await writeToneRecording(recording, toneSpeech(seconds, 4));
      const uploadBytes = (await fs.stat(recording)).size;

      const dataDir = path.join(work, `data-${seconds}`);
      const tmpDir = path.join(work, `tmp-${seconds}`);
      await fs.mkdir(tmpDir, { recursive: true });
      const server = await startServerProcess({
        SCRYON_DATA_DIR: dataDir,
        // The pipeline's scratch files (preprocessed WAV, chunks) go here, to be checked afterwards.
        TMPDIR: tmpDir,
        MAX_FILE_SIZE: String(uploadBytes + MiB),
        TRANSCRIPTION_BASE_URL: openai.baseURL,
        TRANSCRIPTION_API_KEY: "bench",
        TRANSCRIPTION_AUDIO_FORMAT: format,
        SCRYON_AUDIO_TIMEOUT_SECONDS: "7200",
        TRANSCRIPTION_TIMEOUT_SECONDS: "3600",
      });
      try {
        const baseline = await memoryOf(server.child.pid!);
        const requestsBefore = openai.received.length;
        progress(`${size.name}: uploading ${fixed(uploadBytes / MiB, 0)} MiB (WAV) to server pid ${server.child.pid}`);
        const started = performance.now();
        const { status, body } = await uploadFile(server.url, recording);
        if (status !== 202) throw new Error(`upload answered ${status}: ${JSON.stringify(body)}`);
        const callId = body.callId as string;
        let call: Record<string, unknown> | null;
        for (;;) {
          ({ body: call } = await getJson(`${server.url}/api/calls/${callId}`));
          if (call?.status === "COMPLETED" || call?.status === "FAILED") break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        const wallSeconds = (performance.now() - started) / 1000;
        if (call?.status !== "COMPLETED") throw new Error(`the call failed: ${JSON.stringify(call)}`);
        const memory = await memoryOf(server.child.pid!);

        const requests = openai.received.slice(requestsBefore);
        const largest = Math.max(...requests.map((r) => r.bodyBytes));
        const refused = requests.filter((r) => r.status !== 200).length;
        const { body: transcript } = await getJson(`${server.url}/api/calls/${callId}/transcript`);
        const segments = transcript?.segments as Array<{ text: string; startSeconds: number; endSeconds: number }>;
        const words = segments.flatMap((s) => s.text.split(/\s+/).filter((w) => /^tone\d+$/i.test(w)));
        // The recogniser names a pitch to the nearest 50 Hz; denoising can move a 1500 Hz tone
        // to just under 1475 Hz, heard as tone1450: a word is the same word within 50 Hz.
        const pitch = (word: string | undefined) => Number(/^tone(\d+)$/i.exec(word ?? "")?.[1] ?? Number.NaN);
        const mismatch = expected.findIndex((word, i) => !(Math.abs(pitch(words[i]) - pitch(word.text)) <= 50));
        const inOrder =
          mismatch < 0 && words.length === expected.length
            ? "yes"
            : `NO: word ${mismatch} is ${words[mismatch]}, not ${expected[mismatch]?.text} (${words.length}/${expected.length} words)`;
        const starts = segments.map((s) => s.startSeconds);
        const monotonic = starts.every((start, i) => i === 0 || start >= starts[i - 1]!);
        // tsx keeps its compile cache in the temp dir (tsx-<uid>/): not the server's files.
        const left = (await listFiles(tmpDir)).filter((f) => !f.file.startsWith("tsx-"));
        const stored = (await listFiles(dataDir)).filter((f) => !/\.(sqlite|db)(-wal|-shm)?$/.test(f.file));
        leftovers.push(
          `${size.name}: temp dir ${left.length === 0 ? "empty" : left.map((f) => f.file).join(", ")}; ` +
            `stored objects: ${stored.map((f) => path.basename(f.file)).join(", ")} ` +
            `(${fixed(stored.reduce((sum, f) => sum + f.bytes, 0) / MiB, 1)} MiB; no audio left)`.replace(
              "; no audio left",
              stored.some((f) => !f.file.endsWith(".json")) ? "" : "; no audio left",
            ),
        );
        rows.push([
          size.name,
          fixed(seconds / 60, 0),
          fixed(wallSeconds, 1),
          fixed(baseline.currentMiB, 0),
          fixed(memory.peakMiB, 0),
          requests.length,
          refused,
          fixed(largest / MiB, 2),
          largest <= OPENAI_MAX_BODY_BYTES ? "yes" : "NO",
          `${fixed(segments[0]!.startSeconds, 1)}–${fixed(segments.at(-1)!.endSeconds, 1)} / ${seconds}`,
          `${inOrder}${monotonic ? "" : " (times not monotonic)"}`,
        ]);
      } finally {
        await server.stop();
        await fs.rm(recording, { force: true });
      }
    }
    printTable(
      `Long calls against an OpenAI-compatible server refusing bodies over 25 MiB (413); server as a child process, ` +
        `embedded mode, preprocessing on, transcription format ${format}; scale ${scale}`,
      [
        "call",
        "minutes",
        "upload→COMPLETED s",
        "server RSS idle MiB",
        "server peak RSS MiB",
        "requests",
        "refused",
        "largest body MiB",
        "≤ 25 MiB",
        "segments cover s",
        "every word, in order",
      ],
      rows,
    );
    for (const line of leftovers) console.log(`  ${line}`);
    console.log("  (peak RSS is the Node server process's VmHWM; ffmpeg runs as separate short-lived processes)");
  } finally {
    await openai.close();
    await fs.rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLongCall();
