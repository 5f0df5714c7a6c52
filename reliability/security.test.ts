import fs from "node:fs/promises";
import http from "node:http";
import net from "node:net";
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, expect, it } from "vitest";
import { TERMINAL } from "./support/client";
import { type FakeOpenAi, fixtureRecording, startFakeOpenAi } from "./support/fake-openai";
import { SHORT, sleep } from "./support/profile";
import { makeDataDir, type ServerProcess, startServerProcess } from "./support/server";

/**
 * An outside-style security run against a real server process with Firebase
 * (JWKS) auth: two users, every endpoint over REST and tRPC (and the SSE
 * subscription) with the other user's ids, forged tokens and hostile inputs.
 * Counts: attempts, leaks (the other user's ids or title in an answer), 5xx
 * answers and answers outside the documented error shape (docs/contract.md § Errors).
 */

const PROJECT = "demo-security";
const counts = { attempts: 0, leaks: 0, serverErrors: 0, offShape: 0 };
const problems: string[] = [];

let server: ServerProcess;
let fake: FakeOpenAi;
let keyServer: http.Server;
let dataDir: string;
let sign: (uid: string, change?: (jwt: SignJWT) => SignJWT, key?: CryptoKey, kid?: string) => Promise<string>;
let alice: Record<string, string>;
let bob: Record<string, string>;
let secrets: string[] = [];
let aliceCall: string;
let aliceItem: string;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  keyServer = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "cache-control": "max-age=3600" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => keyServer.listen(0, "127.0.0.1", resolve));
  const jwksUrl = `http://127.0.0.1:${(keyServer.address() as net.AddressInfo).port}/keys`;
  sign = async (uid, change = (jwt) => jwt, key = privateKey, kid = "k1") => {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ auth_time: now - 10, email: `${uid}@example.com` })
      .setProtectedHeader({ alg: "RS256", kid })
      .setIssuer(`https://securetoken.google.com/${PROJECT}`)
      .setAudience(PROJECT)
      .setSubject(uid)
      .setIssuedAt(now - 10)
      .setExpirationTime(now + 3600);
    return change(jwt).sign(key);
  };

  fake = await startFakeOpenAi({ delayMs: [10, 50] });
  dataDir = await makeDataDir("security");
  server = await startServerProcess({
    SCRYON_DATA_DIR: dataDir,
    FIREBASE_PROJECT_ID: PROJECT,
    FIREBASE_JWKS_URL: jwksUrl,
    TRANSCRIPTION_BASE_URL: fake.baseURL,
    TRANSCRIPTION_API_KEY: "sk-security",
  });
  alice = { authorization: `Bearer ${await sign("alice-uid")}` };
  bob = { authorization: `Bearer ${await sign("bob-uid")}` };

  const form = new FormData();
  form.append("metadata", JSON.stringify({ title: "Alice secret merger call", phoneNumber: "+15550001234" }));
  form.append("file", new Blob([await fs.readFile(fixtureRecording("sales-follow-up"))]), "call.m4a");
  const upload = await fetch(`${server.url}/api/calls/analyze`, { method: "POST", headers: alice, body: form });
  expect(upload.status).toBe(202);
  aliceCall = ((await upload.json()) as { callId: string }).callId;
  for (;;) {
    const answer = await fetch(`${server.url}/api/calls/status?ids=${aliceCall}`, { headers: alice });
    const status = ((await answer.json()) as { items: Array<{ status: string }> }).items[0]?.status;
    if (status && TERMINAL.has(status)) break;
    await sleep(100);
  }
  const item = await fetch(`${server.url}/api/calls/${aliceCall}/action-items`, {
    method: "POST",
    headers: { ...alice, "content-type": "application/json" },
    body: JSON.stringify({ title: "Alice private item" }),
  });
  expect(item.status).toBe(201);
  aliceItem = ((await item.json()) as { id: string }).id;
  secrets = [aliceCall, aliceItem, "Alice secret", "Alice private", "alice@example.com", "5550001234"];
}, 120_000);

afterAll(async () => {
  console.log(
    `security suite: ${counts.attempts} attempts, ${counts.leaks} leaks, ${counts.serverErrors} 5xx, ${counts.offShape} off-shape answers`,
  );
  for (const problem of problems.slice(0, 30)) console.log(`  ${problem}`);
  await server?.stop();
  await fake?.close();
  await new Promise<void>((resolve) => keyServer?.close(() => resolve()));
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

type Kind = "rest" | "trpc";

/** One hostile request: counts it, and records a leak, a 5xx or an answer off the documented shape. */
async function probe(label: string, kind: Kind, url: string, init: RequestInit = {}): Promise<number> {
  counts.attempts++;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    counts.serverErrors++;
    problems.push(`${label}: no answer (${(error as Error).message})`);
    return 0;
  }
  const text = await response.text();
  // Alice may of course see her own data; a leak is her data in anyone else's answer.
  const asOwner = (init.headers as Record<string, string> | undefined)?.authorization === alice.authorization;
  inspect(label, kind, response.status, text, response.headers.get("content-type") ?? "", asOwner);
  return response.status;
}

function inspect(label: string, kind: Kind, status: number, text: string, contentType: string, asOwner = false) {
  if (status >= 500) {
    counts.serverErrors++;
    problems.push(`${label}: ${status}`);
  }
  for (const secret of asOwner ? [] : secrets)
    if (text.includes(secret)) {
      counts.leaks++;
      problems.push(`${label}: leaked ${secret.slice(0, 12)}…`);
      break;
    }
  if (status < 400) return;
  if (!contentType.includes("application/json") || !isDocumentedError(kind, text)) {
    counts.offShape++;
    problems.push(`${label}: ${status} off-shape ${text.slice(0, 120)}`);
  }
}

function isDocumentedError(kind: Kind, text: string): boolean {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return false;
  }
  const ok = (error: unknown) =>
    typeof error === "object" &&
    error !== null &&
    typeof (error as { code?: unknown }).code === "string" &&
    typeof (error as { message?: unknown }).message === "string";
  const one = (value: unknown) => {
    const error = (value as { error?: unknown })?.error;
    if (kind === "rest") return ok(error);
    return ok((error as { data?: { error?: unknown } })?.data?.error);
  };
  return Array.isArray(body) ? body.length > 0 && body.every(one) : one(body);
}

/** Writes raw bytes and reads the answer: for HTTP no fetch would send. */
async function rawProbe(label: string, bytes: string) {
  counts.attempts++;
  const { port } = new URL(server.url);
  const socket = net.connect(Number(port), "127.0.0.1");
  socket.write(bytes);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of socket) chunks.push(chunk as Buffer);
  } catch {
    /* reset after the answer */
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const [head = "", body = ""] = text.split("\r\n\r\n");
  inspect(label, "rest", Number(head.split(" ")[1] ?? 0), body, /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? "");
}

const json = (headers: Record<string, string>, body: unknown, method = "POST"): RequestInit => ({
  method,
  headers: { ...headers, "content-type": "application/json" },
  body: typeof body === "string" ? body : JSON.stringify(body),
});
const trpcQuery = (path: string, input: unknown) =>
  input === undefined ? `/trpc/${path}` : `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;

it("another user's data never leaks over REST, tRPC or SSE", async () => {
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  // Every REST operation as Bob, with Alice's ids in every id slot.
  for (const [template, operations] of Object.entries(document.paths)) {
    for (const method of Object.keys(operations)) {
      const id = template.startsWith("/calls/") ? aliceCall : aliceItem;
      const query = template === "/calls/status" ? `?ids=${aliceCall}` : "";
      const url = `${server.url}/api${template.replace(/\{id\}/g, id)}${query}`;
      const upper = method.toUpperCase();
      const body = upper === "GET" || upper === "DELETE" ? undefined : JSON.stringify({ title: "bob", status: "DONE" });
      await probe(`bob ${upper} ${template}`, "rest", url, {
        method: upper,
        headers: body ? { ...bob, "content-type": "application/json" } : bob,
        ...(body && { body }),
      });
    }
  }
  await probe("bob bulk delete", "rest", `${server.url}/api/calls`, json(bob, { ids: [aliceCall] }, "DELETE"));
  // The same procedures over tRPC.
  const queries: Array<[string, unknown]> = [
    ["calls.list", {}],
    ["calls.get", { id: aliceCall }],
    ["calls.status", { ids: [aliceCall] }],
    ["calls.transcript", { id: aliceCall }],
    ["calls.analysis", { id: aliceCall }],
    ["calls.transcriptExport", { id: aliceCall, format: "txt" }],
    ["calls.digest", { id: aliceCall }],
    ["actionItems.list", {}],
    ["actionItems.listForCall", { id: aliceCall }],
    ["users.me", undefined],
  ];
  for (const [path, input] of queries)
    await probe(`bob trpc ${path}`, "trpc", `${server.url}${trpcQuery(path, input)}`, { headers: bob });
  const mutations: Array<[string, unknown]> = [
    ["calls.update", { id: aliceCall, title: "bob" }],
    ["calls.delete", { id: aliceCall }],
    ["calls.deleteMany", { ids: [aliceCall] }],
    ["calls.reanalyze", { id: aliceCall }],
    ["actionItems.create", { id: aliceCall, title: "bob" }],
    ["actionItems.setStatus", { id: aliceItem, status: "DONE" }],
    ["actionItems.replace", { id: aliceItem, title: "bob" }],
    ["actionItems.delete", { id: aliceItem }],
  ];
  for (const [path, input] of mutations)
    await probe(`bob trpc ${path}`, "trpc", `${server.url}/trpc/${path}`, json(bob, input));

  // SSE: Bob's live stream while Alice's call is re-analysed carries nothing of hers.
  const controller = new AbortController();
  const stream = await fetch(`${server.url}${trpcQuery("calls.statusChanges", undefined)}`, {
    headers: { ...bob, accept: "text/event-stream" },
    signal: controller.signal,
  });
  counts.attempts++;
  expect(stream.status).toBe(200);
  const reader = stream.body!.getReader();
  let seen = "";
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      seen += Buffer.from(value!).toString("utf8");
    }
  })();
  await probe("alice reanalyze", "rest", `${server.url}/api/calls/${aliceCall}/reanalyze`, json(alice, {}));
  controller.abort();
  await reading;
  inspect("bob SSE", "trpc", 200, seen, "text/event-stream");

  // Alice's data is all still there.
  const detail = await fetch(`${server.url}/api/calls/${aliceCall}`, { headers: alice });
  expect(detail.status).toBe(200);
  expect(counts.leaks).toBe(0);
}, 120_000);

it("forged and malformed credentials are 401 in the documented shape, and good ones still work after", async () => {
  const { privateKey: strangerKey } = await generateKeyPair("RS256");
  const forged: Array<[string, string | undefined]> = [
    ["no header", undefined],
    ["empty bearer", "Bearer "],
    ["basic scheme", "Basic YWxpY2U6cGFzcw=="],
    ["garbage", "Bearer not.a.token"],
    [
      "alg none",
      `Bearer ${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"alice-uid"}').toString("base64url")}.`,
    ],
    ["stranger key, known kid", `Bearer ${await sign("alice-uid", undefined, strangerKey)}`],
    ["unknown kid", `Bearer ${await sign("alice-uid", undefined, strangerKey, "k-unknown")}`],
    ["wrong audience", `Bearer ${await sign("alice-uid", (j) => j.setAudience("other"))}`],
    ["wrong issuer", `Bearer ${await sign("alice-uid", (j) => j.setIssuer("https://evil.example"))}`],
    ["expired", `Bearer ${await sign("alice-uid", (j) => j.setExpirationTime(Math.floor(Date.now() / 1000) - 60))}`],
    [
      "issued in the future",
      `Bearer ${await sign("alice-uid", (j) => j.setIssuedAt(Math.floor(Date.now() / 1000) + 3600))}`,
    ],
    ["empty subject", `Bearer ${await sign("")}`],
    ["subject too long", `Bearer ${await sign("x".repeat(200))}`],
    ["huge token", `Bearer ${"a".repeat(12_000)}`],
  ];
  const rounds = SHORT ? 2 : 4;
  for (let round = 0; round < rounds; round++)
    for (const [name, header] of forged) {
      const headers: Record<string, string> = header === undefined ? {} : { authorization: header };
      const rest = await probe(`forged ${name}`, "rest", `${server.url}/api/calls`, { headers });
      expect([401, 429]).toContain(rest);
      const trpc = await probe(`forged ${name} trpc`, "trpc", `${server.url}${trpcQuery("calls.list", {})}`, {
        headers,
      });
      expect([401, 429]).toContain(trpc);
    }
  // More than 20 failures from this address: the limiter is engaged, yet valid tokens pass.
  expect(await probe("alice after forgeries", "rest", `${server.url}/api/calls`, { headers: alice })).toBe(200);
  expect(
    await probe("bob after forgeries", "trpc", `${server.url}${trpcQuery("calls.list", {})}`, { headers: bob }),
  ).toBe(200);
}, 120_000);

it("hostile inputs are answered in the documented shape, never with a 5xx", async () => {
  const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
  const big = "a".repeat(1_100_000);
  const restCases: Array<[string, string, RequestInit]> = [
    ["NUL in PATCH", `/api/calls/${aliceCall}`, json(alice, { notes: "a\u0000b" }, "PATCH")],
    ["deep JSON", `/api/calls/${aliceCall}`, json(alice, `{"notes":${deep(100_000)}}`, "PATCH")],
    ["huge body", `/api/calls/${aliceCall}`, json(alice, { notes: big }, "PATCH")],
    ["bad JSON", `/api/calls/${aliceCall}`, json(alice, "{", "PATCH")],
    ["proto pollution", `/api/users/me`, json(alice, '{"__proto__":{"x":1},"displayName":"A"}', "PATCH")],
    [
      "xml body",
      `/api/users/me`,
      { method: "PATCH", headers: { ...alice, "content-type": "application/xml" }, body: "<a/>" },
    ],
    [
      "multipart no boundary",
      "/api/calls/analyze",
      { method: "POST", headers: { ...alice, "content-type": "multipart/form-data" }, body: "x" },
    ],
    [
      "multipart garbage",
      "/api/calls/analyze",
      {
        method: "POST",
        headers: { ...alice, "content-type": "multipart/form-data; boundary=zz" },
        body: "--zz\r\nbroken",
      },
    ],
    ["upload without file", "/api/calls/analyze", { method: "POST", headers: alice, body: new FormData() }],
    ["bad percent-encoding", "/api/calls/%E0%A4%A", { headers: alice }],
    ["long path segment", `/api/calls/${"x".repeat(5000)}`, { headers: alice }],
    ["NUL in URL", "/api/calls?cursor=%00", { headers: alice }],
    ["forged cursor", "/api/calls?cursor=eyJmb3JnZWQiOnRydWV9", { headers: alice }],
    ["limit out of range", "/api/calls?limit=100000", { headers: alice }],
    ["not a uuid", "/api/calls/not-a-uuid", { headers: alice }],
    ["traversal", "/api/calls/..%2F..%2Fetc%2Fpasswd", { headers: alice }],
    ["status with 101 ids", `/api/calls/status?ids=${Array(101).fill(aliceCall).join(",")}`, { headers: alice }],
    [
      "long idempotency key",
      `/api/users/me`,
      json({ ...alice, "idempotency-key": "k".repeat(15_000) }, { displayName: "A" }, "PATCH"),
    ],
    ["long request id", "/api/calls", { headers: { ...alice, "x-request-id": "r".repeat(8000) } }],
    ["unknown route", "/api/nope", { headers: alice }],
    ["wrong method", "/api/health", { method: "PUT", headers: alice }],
  ];
  for (const [name, path, init] of restCases) await probe(`hostile ${name}`, "rest", `${server.url}${path}`, init);

  const trpcCases: Array<[string, string, RequestInit]> = [
    ["NUL calls.update", "/trpc/calls.update", json(alice, { id: aliceCall, notes: "a\u0000b" })],
    ["NUL actionItems.create", "/trpc/actionItems.create", json(alice, { id: aliceCall, title: "a\u0000b" })],
    ["NUL users.updateMe", "/trpc/users.updateMe", json(alice, { displayName: "a\u0000b" })],
    ["deep body", "/trpc/calls.update", json(alice, `{"id":"${aliceCall}","notes":${deep(100_000)}}`)],
    ["deep input", trpcQuery("calls.list", JSON.parse(`{"a":${deep(40)}}`)), { headers: alice }],
    ["huge body", "/trpc/calls.update", json(alice, { id: aliceCall, notes: big })],
    [
      "xml body",
      "/trpc/calls.update",
      { method: "POST", headers: { ...alice, "content-type": "application/xml" }, body: "<a/>" },
    ],
    ["unknown procedure", "/trpc/no.such", { headers: alice }],
    ["nested path", "/trpc/a/b", { headers: alice }],
    ["bad percent-encoding", "/trpc/%E0%A4%A", { headers: alice }],
    ["query as mutation", "/trpc/calls.list", json(alice, {})],
    ["mutation as query", trpcQuery("calls.update", { id: aliceCall }), { headers: alice }],
    ["bad batch", "/trpc/calls.list,calls.get?batch=1&input=%7B", { headers: alice }],
  ];
  for (const [name, path, init] of trpcCases) await probe(`hostile trpc ${name}`, "trpc", `${server.url}${path}`, init);

  await rawProbe("bare CR", "GET /api/health HTTP/1.1\r\nHost: x\rX: y\r\n\r\n");
  await rawProbe(
    "CL+TE",
    "POST /api/calls HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  );
  await rawProbe("huge headers", `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`);
  await rawProbe("not HTTP", "HELLO\r\n\r\n");

  // Nothing hostile was stored: Alice's call and profile are as they were.
  const detail = (await (await fetch(`${server.url}/api/calls/${aliceCall}`, { headers: alice })).json()) as {
    notes?: string;
  };
  expect(detail.notes ?? "").not.toContain("\u0000");
  expect(counts.serverErrors).toBe(0);
  expect(counts.offShape).toBe(0);
  expect(counts.leaks).toBe(0);
}, 120_000);
