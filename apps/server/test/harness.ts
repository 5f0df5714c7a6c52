import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { AppRouter } from "@scryon/api";
import { loadConfig } from "@scryon/config";
// Shared with the db and storage packages' own tests: one way to get a throwaway database and a real S3 server.
import { createTestDatabase } from "@scryon/db/testing";
import { createRuntime, type Runtime } from "@scryon/runtime";
import { startS3Server, type TestS3Server } from "@scryon/storage/testing";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import type { FastifyInstance } from "fastify";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { inject } from "vitest";
import { buildServer } from "../src/app";
// Brings in the type of what the scale-out global setup provides (`inject("scaleOutS3Endpoint")`).
import type {} from "./scale-out.global-setup";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const fixture = (...parts: string[]) => path.join(REPO_ROOT, "fixtures", ...parts);

/** Reads a JSON fixture. */
export async function fixtureJson<T = unknown>(...parts: string[]): Promise<T> {
  return JSON.parse(await fs.readFile(fixture(...parts), "utf8")) as T;
}

const listen = (server: http.Server) =>
  new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );

/**
 * A real HTTP server speaking the OpenAI `/audio/transcriptions` protocol: it
 * parses the multipart body and answers `verbose_json`. Tests choose the answer
 * (or make it fail or hang) per request.
 */
export async function startFakeTranscriptionServer() {
  const received: Array<{ model: string | null; responseFormat: string | null; fileBytes: number }> = [];
  let answer: (index: number) => Promise<{ status: number; body: unknown }> = async () => ({
    status: 200,
    body: await fixtureJson("audio", "sample.verbose.json"),
  });
  const server = http.createServer(async (req, res) => {
    try {
      if (req.method !== "POST" || !req.url?.endsWith("/audio/transcriptions")) {
        res
          .writeHead(404, { "content-type": "application/json" })
          .end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const request = new Request(`http://local${req.url}`, {
        method: "POST",
        headers: req.headers as Record<string, string>,
        body: req as unknown as ReadableStream,
        duplex: "half",
      } as RequestInit);
      const form = await request.formData();
      const file = form.get("file") as File | null;
      received.push({
        model: form.get("model") as string | null,
        responseFormat: form.get("response_format") as string | null,
        fileBytes: file ? (await file.arrayBuffer()).byteLength : 0,
      });
      const { status, body } = await answer(received.length - 1);
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    } catch {
      res.destroy();
    }
  });
  const url = await listen(server);
  return {
    baseURL: `${url}/v1`,
    received,
    answerWith(fn: typeof answer) {
      answer = fn;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * A `verbose_json` answer that speaks `sentences` in order, one segment each, every
 * word 0.35 s after the last: for fake transcription servers that must say given words.
 */
export function spokenTranscription(sentences: readonly string[]) {
  const words: Array<{ word: string; start: number; end: number }> = [];
  const segments: Array<{ id: number; start: number; end: number; text: string }> = [];
  let t = 0.5;
  sentences.forEach((sentence, id) => {
    const start = t;
    for (const word of sentence.split(" ")) {
      words.push({ word: word.replace(/[.,]$/u, ""), start: t, end: t + 0.3 });
      t += 0.35;
    }
    segments.push({ id, start, end: t, text: ` ${sentence}` });
    t += 0.3;
  });
  return { task: "transcribe", language: "english", duration: t, text: sentences.join(" "), segments, words };
}

/** A local JWKS endpoint and a signer for Firebase-shaped ID tokens. */
export async function startFirebaseKeys(projectId = "demo-scryon") {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key-1", alg: "RS256", use: "sig" };
  const server = http.createServer((_req, res) => {
    res
      .writeHead(200, { "content-type": "application/json", "cache-control": "public, max-age=3600" })
      .end(JSON.stringify({ keys: [jwk] }));
  });
  const url = await listen(server);
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    projectId,
    jwksUrl: `${url}/jwks`,
    /** The key server stops listening (connections refused), as in an outage. */
    goDown: stop,
    /** Listens again on the same port. */
    comeBack: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve())),
    async token(uid: string, claims: Record<string, unknown> = {}, key: CryptoKey = privateKey) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ auth_time: now - 10, ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "test-key-1" })
        .setIssuer(`https://securetoken.google.com/${projectId}`)
        .setAudience(projectId)
        .setSubject(uid)
        .setIssuedAt(now - 10)
        .setExpirationTime(now + 3600)
        .sign(key);
    },
    close: stop,
  };
}

export interface TestServer {
  url: string;
  dataDir: string;
  runtime: Runtime;
  app: FastifyInstance;
  /** Stops HTTP and the runtime (in-flight jobs are released after `timeoutMs`). */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** stop() and remove the data directory. */
  close(): Promise<void>;
}

/**
 * Which deployment the integration suite runs against (the vitest project sets
 * SCRYON_TEST_MODE): "embedded" is SQLite, the SQLite queue and local files;
 * "scale-out" is a fresh PostgreSQL database (pg-boss queue) and an s3rver bucket per server.
 */
export const TEST_MODE: "embedded" | "scale-out" =
  process.env.SCRYON_TEST_MODE === "scale-out" ? "scale-out" : "embedded";

/** The deployment behind one data dir in scale-out mode, so a restart on the same data dir finds its state again. */
interface ScaleOutBackend {
  env: Record<string, string>;
  drop(): Promise<void>;
}
const scaleOutBackends = new Map<string, ScaleOutBackend>();
let ownS3Server: Promise<TestS3Server> | undefined;

/**
 * The s3rver of the scale-out vitest project (scale-out.global-setup.ts), or,
 * when a file runs outside that project, one of its own that dies with the file's process.
 */
export async function sharedS3Endpoint(): Promise<string> {
  const provided = inject("scaleOutS3Endpoint");
  if (provided) return provided;
  ownS3Server ??= startS3Server("scryon-own").then((server) => {
    process.once("exit", () => void server.stop());
    return server;
  });
  return (await ownS3Server).endpoint;
}

/** A fresh PostgreSQL database and S3 bucket, as the environment a Scryon process needs to use them. */
export async function createScaleOutBackend(): Promise<ScaleOutBackend> {
  const endpoint = await sharedS3Endpoint();
  const database = await createTestDatabase("scryon_server");
  const bucket = `scryon-${randomUUID()}`;
  // s3rver accepts anonymous requests, so a bare PUT creates the bucket.
  const created = await fetch(`${endpoint}/${bucket}`, { method: "PUT" });
  if (!created.ok) throw new Error(`could not create bucket: HTTP ${created.status}`);
  return {
    env: {
      DATABASE_URL: database.url,
      OBJECT_STORAGE_PROVIDER: "s3",
      OBJECT_STORAGE_BUCKET: bucket,
      OBJECT_STORAGE_ENDPOINT: endpoint,
      OBJECT_STORAGE_REGION: "us-east-1",
      OBJECT_STORAGE_ACCESS_KEY: "S3RVER",
      OBJECT_STORAGE_SECRET_KEY: "S3RVER",
      OBJECT_STORAGE_PATH_STYLE_ACCESS: "true",
    },
    drop: () => database.drop(),
  };
}

/** The keys of every stored object of every user (both storage kinds), e.g. `users/<uid>/calls/<callId>/temp/audio-upload.wav`. */
export async function listStoredObjects(server: TestServer): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of server.runtime.storage.list("users/")) keys.push(object.key);
  return keys.sort();
}

/** Starts the real server (Fastify + runtime + workers) on a free port with its own data dir. */
export async function startTestServer(
  env: Record<string, string> = {},
  existingDataDir?: string,
  options: Parameters<typeof buildServer>[2] = {},
): Promise<TestServer> {
  const dataDir = existingDataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), "scryon-test-")));
  let backend: ScaleOutBackend | undefined;
  if (TEST_MODE === "scale-out") {
    backend = scaleOutBackends.get(dataDir) ?? (await createScaleOutBackend());
    scaleOutBackends.set(dataDir, backend);
  }
  const config = loadConfig({
    SCRYON_DATA_DIR: dataDir,
    PORT: "0",
    SCRYON_LOG_LEVEL: "silent",
    SCRYON_SWEEP_INTERVAL_SECONDS: "3600",
    ...backend?.env,
    ...env,
  });
  const runtime = await createRuntime(config);
  const app = await buildServer(config, runtime, options);
  // As apps/server/src/run.ts: an api process starts no workers, sweepers or background linking.
  if (config.server.role !== "api") await runtime.startBackground();
  const address = await app.listen({ port: 0, host: "127.0.0.1" });
  let stopped = false;
  const stop = async ({ timeoutMs = 5000 } = {}) => {
    if (stopped) return;
    stopped = true;
    await app.close();
    await runtime.close({ timeoutMs });
  };
  return {
    url: address,
    dataDir,
    runtime,
    app,
    stop,
    async close() {
      await stop();
      await fs.rm(dataDir, { recursive: true, force: true });
      if (backend && scaleOutBackends.get(dataDir) === backend) {
        scaleOutBackends.delete(dataDir);
        await backend.drop();
      }
    },
  };
}

export async function uploadFile(
  url: string,
  filePath: string,
  options: {
    metadata?: unknown;
    title?: string;
    headers?: Record<string, string>;
    fileName?: string;
    rawMetadata?: string;
  } = {},
) {
  const form = new FormData();
  if (options.rawMetadata !== undefined) form.append("metadata", options.rawMetadata);
  else if (options.metadata !== undefined) form.append("metadata", JSON.stringify(options.metadata));
  if (options.title !== undefined) form.append("title", options.title);
  const bytes = await fs.readFile(filePath);
  form.append("file", new Blob([bytes]), options.fileName ?? path.basename(filePath));
  const response = await fetch(`${url}/api/calls/analyze`, {
    method: "POST",
    body: form,
    headers: options.headers ?? {},
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, any>) : null,
    headers: response.headers,
  };
}

export async function sendJson(method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
}

/** Polls the bulk status endpoint until the call is terminal (or the wait runs out). */
export async function waitForTerminal(
  url: string,
  callId: string,
  headers: Record<string, string> = {},
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getJson(`${url}/api/calls/status?ids=${callId}`, headers);
    const status = body?.items?.[0]?.status as string | undefined;
    if (status === "COMPLETED" || status === "FAILED") return status;
    if (Date.now() > deadline) throw new Error(`call ${callId} still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A typed tRPC client whose subscriptions travel over server-sent events, as the dashboard's do. */
export function createLiveClient(serverUrl: string) {
  const url = `${serverUrl}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url, EventSource }),
        false: httpBatchLink({ url }),
      }),
    ],
  });
}

/** A port nothing listens on right now (the OS picks it). */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

/**
 * The real server binary (`npm start`'s entry point) as a child process, so a test
 * can kill it with -9 and start another on the same data. Ready once /api/health answers.
 */
export async function startServerProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ["--import", "tsx", "apps/server/src/main.ts"], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, PORT: String(port), SCRYON_LOG_LEVEL: "warn", NODE_NO_WARNINGS: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  // Polls readiness (a loaded machine may take long to start the process); a dead child fails at once.
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill("SIGKILL");
  throw new Error("server did not start");
}
