import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { loadConfig } from "@scryon/config";
import { createRuntime, type Runtime } from "@scryon/runtime";
import type { FastifyInstance } from "fastify";
import { buildServer } from "../src/app";

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
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
        return;
      }
      const request = new Request("http://local" + req.url, {
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

/** A local JWKS endpoint and a signer for Firebase-shaped ID tokens. */
export async function startFirebaseKeys(projectId = "demo-scryon") {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key-1", alg: "RS256", use: "sig" };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "public, max-age=3600" }).end(JSON.stringify({ keys: [jwk] }));
  });
  const url = await listen(server);
  return {
    projectId,
    jwksUrl: `${url}/jwks`,
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
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
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

/** Starts the real server (Fastify + runtime + workers) on a free port with its own data dir. */
export async function startTestServer(env: Record<string, string> = {}, existingDataDir?: string): Promise<TestServer> {
  const dataDir = existingDataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), "scryon-test-")));
  const config = loadConfig({
    SCRYON_DATA_DIR: dataDir,
    PORT: "0",
    SCRYON_LOG_LEVEL: "silent",
    SCRYON_SWEEP_INTERVAL_SECONDS: "3600",
    ...env,
  });
  const runtime = await createRuntime(config);
  const app = await buildServer(config, runtime);
  await runtime.startBackground();
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
    },
  };
}

export async function uploadFile(
  url: string,
  filePath: string,
  options: { metadata?: unknown; title?: string; headers?: Record<string, string>; fileName?: string; rawMetadata?: string } = {},
) {
  const form = new FormData();
  if (options.rawMetadata !== undefined) form.append("metadata", options.rawMetadata);
  else if (options.metadata !== undefined) form.append("metadata", JSON.stringify(options.metadata));
  if (options.title !== undefined) form.append("title", options.title);
  const bytes = await fs.readFile(filePath);
  form.append("file", new Blob([bytes]), options.fileName ?? path.basename(filePath));
  const response = await fetch(`${url}/api/calls/analyze`, { method: "POST", body: form, headers: options.headers ?? {} });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

export async function getJson(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { headers });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : null, headers: response.headers };
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
export async function waitForTerminal(url: string, callId: string, headers: Record<string, string> = {}, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getJson(`${url}/api/calls/status?ids=${callId}`, headers);
    const status = body?.items?.[0]?.status as string | undefined;
    if (status === "COMPLETED" || status === "FAILED") return status;
    if (Date.now() > deadline) throw new Error(`call ${callId} still ${status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
