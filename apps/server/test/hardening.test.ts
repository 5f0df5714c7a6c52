import fs from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  sendJson,
  startFakeTranscriptionServer,
  startFirebaseKeys,
  startTestServer,
  TEST_MODE,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

const trpcGet = (url: string, path: string, input: unknown, headers: Record<string, string> = {}) =>
  getJson(`${url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, headers);

describe("auth-failure limiter: never refuses good credentials, counts per client address", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Behind one trusted proxy (the loopback test client plays the load balancer).
    server = await startTestServer({ SCRYON_API_KEY: "s3cret-key", SCRYON_TRUST_PROXY: "127.0.0.1" });
  });
  afterAll(async () => server?.close());

  it("25 bad requests then a good one from the same address: the good one succeeds", async () => {
    const from = { "x-forwarded-for": "203.0.113.7" };
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++)
      statuses.push((await getJson(`${server.url}/api/calls`, { ...from, "x-scryon-api-key": `guess-${i}` })).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect((await getJson(`${server.url}/api/calls`, { ...from, "x-scryon-api-key": "s3cret-key" })).status).toBe(200);
    expect((await trpcGet(server.url, "calls.list", {}, { ...from, "x-scryon-api-key": "s3cret-key" })).status).toBe(
      200,
    );
    // Still limited for the next bad one, with Retry-After.
    const refused = await getJson(`${server.url}/api/calls`, { ...from, "x-scryon-api-key": "nope" });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const overTrpc = await trpcGet(server.url, "calls.list", {}, { ...from, "x-scryon-api-key": "nope" });
    expect(overTrpc.status).toBe(429);
    expect(overTrpc.body).toMatchObject({ error: { data: { error: { code: "rate_limited" } } } });
    expect(Number(overTrpc.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("a locked-out client behind the proxy does not lock out another client", async () => {
    for (let i = 0; i < 21; i++)
      await getJson(`${server.url}/api/calls`, { "x-forwarded-for": "198.51.100.1", "x-scryon-api-key": "bad" });
    const other = await getJson(`${server.url}/api/calls`, {
      "x-forwarded-for": "198.51.100.2",
      "x-scryon-api-key": "bad",
    });
    expect(other.status).toBe(401);
  });
});

describe("without SCRYON_TRUST_PROXY, X-Forwarded-For is not believed", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SCRYON_API_KEY: "s3cret-key" });
  });
  afterAll(async () => server?.close());

  it("a client cannot escape the limiter by inventing addresses", async () => {
    for (let i = 0; i < 21; i++)
      await getJson(`${server.url}/api/calls`, { "x-forwarded-for": `192.0.2.${i}`, "x-scryon-api-key": "bad" });
    const next = await getJson(`${server.url}/api/calls`, { "x-forwarded-for": "192.0.2.99", "x-scryon-api-key": "x" });
    expect(next.status).toBe(429);
  });
});

describe("key-server outage: 503 auth_unavailable, not counted, recovers when keys are back", () => {
  let keys: Awaited<ReturnType<typeof startFirebaseKeys>>;
  let server: TestServer;
  beforeAll(async () => {
    keys = await startFirebaseKeys();
    await keys.goDown(); // no key was ever fetched: nothing cached
    server = await startTestServer({ FIREBASE_PROJECT_ID: keys.projectId, FIREBASE_JWKS_URL: keys.jwksUrl });
  });
  afterAll(async () => {
    await server?.close();
    await keys?.close();
  });

  it("answers 503 with Retry-After over REST and tRPC, never 401, and never locks anyone out", async () => {
    const alice = { authorization: `Bearer ${await keys.token("alice-uid")}` };
    for (let i = 0; i < 25; i++) {
      const rest = await getJson(`${server.url}/api/calls`, alice);
      expect(rest.status).toBe(503);
      expect(rest.body).toEqual({
        error: { code: "auth_unavailable", message: expect.any(String), details: { retryAfterSeconds: 5 } },
      });
      expect(rest.headers.get("retry-after")).toBe("5");
    }
    const trpc = await trpcGet(server.url, "calls.list", {}, alice);
    expect(trpc.status).toBe(503);
    expect(trpc.body).toMatchObject({ error: { data: { error: { code: "auth_unavailable" } } } });
    expect(trpc.headers.get("retry-after")).toBe("5");

    await keys.comeBack();
    expect((await getJson(`${server.url}/api/calls`, alice)).status).toBe(200);
    // The outage was not counted as failures: a bad token is a plain 401, not 429.
    expect((await getJson(`${server.url}/api/calls`, { authorization: "Bearer not-a-token" })).status).toBe(401);
  });
});

/** Writes raw bytes to the server and reads the whole answer (the server closes the connection). */
async function rawHttp(serverUrl: string, bytes: string): Promise<{ status: number; body: unknown }> {
  const { port, hostname } = new URL(serverUrl);
  const socket = net.connect(Number(port), hostname);
  socket.write(bytes);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  const [head = "", body = ""] = text.split("\r\n\r\n");
  return { status: Number(head.split(" ")[1]), body: JSON.parse(body) };
}

const restShape = { error: { code: expect.any(String), message: expect.any(String) } };
const trpcShape = (code: string) => ({
  error: {
    message: expect.any(String),
    code: expect.any(Number),
    data: { error: { code, message: expect.any(String) } },
  },
});

describe("every path answers in the documented shape", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.close());

  it("multipart without a boundary is a 400, not a 500", async () => {
    const response = await fetch(`${server.url}/api/calls/analyze`, {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "x",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: "validation_failed" } });
  });

  it.each([
    ["a bare CR", "GET /api/health HTTP/1.1\r\nHost: x\rX: y\r\n\r\n", 400, "validation_failed"],
    [
      "Content-Length with Transfer-Encoding",
      "POST /api/calls HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      400,
      "validation_failed",
    ],
    [
      "headers past the limit",
      `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
      "headers_too_large",
    ],
  ])("malformed HTTP (%s) gets the error shape", async (_name, bytes, status, code) => {
    const answer = await rawHttp(server.url, bytes);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: { code, message: expect.any(String) } });
  });

  it("/trpc answers 413, 415, 404 and undecodable URLs in the tRPC envelope", async () => {
    const big = await fetch(`${server.url}/trpc/calls.update`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id: "x", notes: "a".repeat(1_100_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject(trpcShape("payload_too_large"));

    const xml = await fetch(`${server.url}/trpc/calls.update`, {
      method: "POST",
      headers: { "content-type": "application/xml" },
      body: "<a/>",
    });
    expect(xml.status).toBe(415);
    expect(await xml.json()).toMatchObject(trpcShape("unsupported_media_type"));

    for (const path of ["/trpc/no.such.procedure", "/trpc/a/b", "/trpc/%ff"]) {
      const answer = await getJson(`${server.url}${path}`);
      expect([400, 404]).toContain(answer.status);
      expect({ path, ...answer.body }).toMatchObject({
        path,
        ...trpcShape(answer.status === 404 ? "not_found" : "validation_failed"),
      });
    }
    // And REST keeps its own shape for the same faults.
    expect((await getJson(`${server.url}/api/no/such/route`)).body).toMatchObject(restShape);
  });
});

describe("one set of JSON guards for REST and tRPC", () => {
  let server: TestServer;
  let callId: string;
  let itemId: string;
  beforeAll(async () => {
    server = await startTestServer();
    const upload = await uploadFile(server.url, fixture("audio", "tone.wav"));
    expect(upload.status).toBe(202);
    callId = upload.body.callId;
    const item = await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "Send the deck" });
    expect(item.status).toBe(201);
    itemId = item.body!.id;
  });
  afterAll(async () => server?.close());

  const deep = (levels: number) => `${"[".repeat(levels)}${"]".repeat(levels)}`;

  it("refuses a NUL character on every writing procedure, over both transports, and stores nothing", async () => {
    const cases: Array<{ rest: [string, string]; trpc: string; body: Record<string, unknown> }> = [
      { rest: ["PATCH", `/api/calls/${callId}`], trpc: "calls.update", body: { notes: "x\u0000y" } },
      { rest: ["POST", `/api/calls/${callId}/action-items`], trpc: "actionItems.create", body: { title: "a\u0000b" } },
      { rest: ["PATCH", "/api/users/me"], trpc: "users.updateMe", body: { displayName: "N\u0000L" } },
    ];
    for (const { rest, trpc, body } of cases) {
      const restAnswer = await sendJson(rest[0], `${server.url}${rest[1]}`, body);
      expect(restAnswer).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
      const input = trpc === "users.updateMe" ? body : { id: callId, ...body };
      const trpcAnswer = await sendJson("POST", `${server.url}/trpc/${trpc}`, input);
      expect(trpcAnswer.status).toBe(400);
      expect(trpcAnswer.body).toMatchObject(trpcShape("validation_failed"));
    }
    const detail = await getJson(`${server.url}/api/calls/${callId}`);
    expect(JSON.stringify(detail.body)).not.toContain("\\u0000");
    const items = await getJson(`${server.url}/api/calls/${callId}/action-items`);
    expect(JSON.stringify(items.body)).not.toContain("\\u0000");
    expect(itemId).toBeTruthy();
  });

  it("refuses JSON nested past 32 levels in REST bodies, tRPC bodies and tRPC ?input=", async () => {
    const restAnswer = await fetch(`${server.url}/api/calls/${callId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: `{"notes":${deep(100_000)}}`,
    });
    expect(restAnswer.status).toBe(400);
    const trpcBody = await fetch(`${server.url}/trpc/calls.update`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"id":"${callId}","notes":${deep(100_000)}}`,
    });
    expect(trpcBody.status).toBe(400);
    expect(await trpcBody.json()).toMatchObject(trpcShape("validation_failed"));
    const trpcQuery = await getJson(`${server.url}/trpc/calls.list?input=${encodeURIComponent(`{"a":${deep(40)}}`)}`);
    expect(trpcQuery.status).toBe(400);
    expect(trpcQuery.body).toMatchObject(trpcShape("validation_failed"));
    // A NUL in any URL, too.
    expect((await getJson(`${server.url}/api/calls?cursor=%00`)).status).toBe(400);
    const nulInput = await getJson(`${server.url}/trpc/calls.list?input=${encodeURIComponent('{"cursor":"\\u0000"}')}`);
    expect(nulInput.body).toMatchObject(trpcShape("validation_failed"));
  });
});

/** Rows the queue keeps for one call (waiting, running or finished), read straight from its tables. */
async function queueRowsFor(server: TestServer, callId: string): Promise<number> {
  const database = server.runtime.config.database;
  if (database.kind === "sqlite") {
    const db = new Database(database.file, { readonly: true });
    try {
      return (db.prepare("SELECT count(*) AS n FROM queue_jobs WHERE singleton_key = ?").get(callId) as { n: number })
        .n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query(
      "SELECT (SELECT count(*) FROM pgboss.job WHERE singleton_key = $1) + (SELECT count(*) FROM pgboss.archive WHERE singleton_key = $1) AS n",
      [callId],
    );
    return Number(rows[0].n);
  } finally {
    await client.end();
  }
}

/** Every directory under the local storage root that holds no file at all. */
async function emptyFolders(root: string): Promise<string[]> {
  const empty: string[] = [];
  const walk = async (dir: string): Promise<boolean> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    let hasFile = false;
    for (const entry of entries) {
      if (entry.name === ".tmp") continue;
      if (entry.isDirectory()) hasFile = (await walk(path.join(dir, entry.name))) || hasFile;
      else hasFile = true;
    }
    if (!hasFile && dir !== root) empty.push(path.relative(root, dir));
    return hasFile;
  };
  await walk(root);
  return empty;
}

describe("leftovers: queue rows, empty folders, oversized Idempotency-Keys", () => {
  let server: TestServer;
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  beforeAll(async () => {
    transcription = await startFakeTranscriptionServer();
    server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
  });
  afterAll(async () => {
    await server?.close();
    await transcription?.close();
  });

  it("deleting a call removes its queue rows, over REST and tRPC", async () => {
    for (const transport of ["rest", "trpc"] as const) {
      const upload = await uploadFile(server.url, fixture("audio", "tone.wav"));
      expect(upload.status).toBe(202);
      const callId = upload.body.callId as string;
      expect(await waitForTerminal(server.url, callId)).toBe("COMPLETED");
      expect(await queueRowsFor(server, callId)).toBeGreaterThan(0);
      const deleted =
        transport === "rest"
          ? await sendJson("DELETE", `${server.url}/api/calls/${callId}`)
          : await sendJson("POST", `${server.url}/trpc/calls.delete`, { id: callId });
      expect(deleted.status).toBeLessThan(300);
      expect(await queueRowsFor(server, callId)).toBe(0);
    }
  });

  it("leaves no empty temp folders behind once calls are processed", async () => {
    const storage = server.runtime.config.storage;
    for (let i = 0; i < 3; i++) {
      const upload = await uploadFile(server.url, fixture("audio", "tone.wav"));
      expect(await waitForTerminal(server.url, upload.body.callId)).toBe("COMPLETED");
    }
    if (storage.kind === "local") expect(await emptyFolders(storage.root)).toEqual([]);
    else expect(TEST_MODE).toBe("scale-out"); // S3 has no folders to leave behind
  });

  it("refuses an Idempotency-Key over 255 characters (400) on uploads and JSON mutations, and stores nothing", async () => {
    const before = (await getJson(`${server.url}/api/calls`)).body!.items.length;
    const long = { "idempotency-key": "k".repeat(256) };
    const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), { headers: long });
    expect(upload).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    const patch = await sendJson("PATCH", `${server.url}/api/users/me`, { displayName: "Z" }, long);
    expect(patch).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    const trpc = await sendJson("POST", `${server.url}/trpc/users.updateMe`, { displayName: "Z" }, long);
    expect(trpc.status).toBe(400);
    expect(trpc.body).toMatchObject(trpcShape("validation_failed"));
    expect((await getJson(`${server.url}/api/calls`)).body!.items.length).toBe(before);
    // 255 is fine.
    const ok = await sendJson(
      "PATCH",
      `${server.url}/api/users/me`,
      { displayName: "Z" },
      { "idempotency-key": "k".repeat(255) },
    );
    expect(ok.status).toBe(200);
  });
});
