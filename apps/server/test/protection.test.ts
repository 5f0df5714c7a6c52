import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "@scryon/config";
import Fastify, { type FastifyReply, type FastifyRequest } from "fastify";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAuthFailureLimiter } from "../src/auth";
import { loggerOptions, maskUrl, RequestLog, requestIdFor } from "../src/logging";
import { maskPii } from "../src/pii-mask";
import { fixture, getJson, startTestServer, type TestServer, uploadFile } from "./harness";

describe("API key guard, security headers and CORS", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      SCRYON_API_KEY: "s3cret-key",
      SCRYON_CORS_ALLOWED_ORIGINS: "https://app.example",
    });
  });
  afterAll(async () => server?.close());

  it("requires X-Scryon-Api-Key on every route but health", async () => {
    expect(await getJson(`${server.url}/api/calls`)).toMatchObject({
      status: 401,
      body: { error: { code: "auth_missing" } },
    });
    expect(await getJson(`${server.url}/api/calls`, { "x-scryon-api-key": "wrong" })).toMatchObject({
      status: 401,
      body: { error: { code: "auth_invalid" } },
    });
    expect((await getJson(`${server.url}/api/calls`, { "x-scryon-api-key": "s3cret-key" })).status).toBe(200);
    expect((await getJson(`${server.url}/trpc/calls.list?input=${encodeURIComponent("{}")}`)).status).toBe(401);
    expect((await uploadFile(server.url, fixture("audio", "tone.wav"))).status).toBe(401);
    expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
  });

  it("sends security headers and CORS only for the configured origin", async () => {
    const allowed = await fetch(`${server.url}/api/health`, { headers: { origin: "https://app.example" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example");
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(allowed.headers.get("strict-transport-security")).toContain("max-age");
    expect(allowed.headers.get("content-security-policy")).toContain("default-src 'self'");
    // Also on answers that never reach a route.
    const missing = await fetch(`${server.url}/api/no-such-route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    const other = await fetch(`${server.url}/api/health`, { headers: { origin: "https://evil.example" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    const preflight = await fetch(`${server.url}/api/calls`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "DELETE",
        "access-control-request-headers": "idempotency-key",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toContain("idempotency-key");
  });

  it("answers repeated authentication failures with 429 in the error shape", async () => {
    let last: Awaited<ReturnType<typeof getJson>> | undefined;
    for (let i = 0; i < 25; i++) last = await getJson(`${server.url}/api/calls`, { "x-scryon-api-key": `guess-${i}` });
    expect(last).toMatchObject({
      status: 429,
      body: { error: { code: "rate_limited", details: { retryAfterSeconds: expect.any(Number) } } },
    });
    // The limit is on failures: health stays reachable.
    expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
  });
});

describe("auth failure limiter", () => {
  it("limits per address within a window and forgets after it", () => {
    let now = 0;
    const limiter = createAuthFailureLimiter({ maxFailures: 3, windowMs: 1000, now: () => now });
    for (let i = 0; i < 3; i++) {
      limiter.check("a");
      limiter.recordFailure("a");
    }
    expect(() => limiter.check("a")).toThrow(/Too many failed/);
    expect(() => limiter.check("b")).not.toThrow();
    now = 1001;
    expect(() => limiter.check("a")).not.toThrow();
  });
});

describe("PII masking in logs", () => {
  it.each([
    ["call +91 98765 43210 now", "call [phone …10] now"],
    ["mail ravi.kumar@acme.example please", "mail [email] please"],
    ["/api/calls?ids=f0a1d2e3-0000-4000-8000-000000000000", "/api/calls?ids=f0a1d2e3-0000-4000-8000-000000000000"],
    ["(555) 123-4567", "([phone …67]"],
  ])("%s", (input, expected) => {
    expect(maskPii(input)).toBe(expected);
  });
});

describe("URLs and request ids in logs", () => {
  it.each([
    ["/api/calls?email=ravi%40acme.example", "/api/calls?email=[email]"],
    ["/api/calls?phone=%2B91%2098765%2043210", "/api/calls?phone=[phone …10]"],
    ["/api/calls?q=ravi.kumar%40acme.example&x=1", "/api/calls?q=[email]&x=1"],
    ["/api/calls?access_token=eyJhbGciOi.abc.def&limit=5", "/api/calls?access_token=[redacted]&limit=5"],
    ["/api/calls?API_KEY=s3cret&key=k&token=t", "/api/calls?API_KEY=[redacted]&key=[redacted]&token=[redacted]"],
    ["/api/calls/%E0%A4%zz?x=%ZZ", "/api/calls/%E0%A4%zz?x=%ZZ"],
    ["/api/a%0Ab", "/api/a\\x0ab"],
  ])("%s", (input, expected) => {
    expect(maskUrl(input)).toBe(expected);
  });

  it("keeps at most 256 characters of a long URL, cut where no address or number can be split", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `f0a1d2e3-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const poll = maskUrl(`/api/calls/status?ids=${ids.join(",")}`);
    const [kept, rest] = poll.split("… ");
    expect(kept!.length).toBeLessThanOrEqual(256);
    expect(`${kept},`).toMatch(/^\/api\/calls\/status\?ids=(f0a1d2e3-0000-4000-8000-\d{12},)+$/);
    expect(rest).toBe(`(of ${"/api/calls/status?ids=".length + ids.join(",").length} characters)`);

    // An address across the 256th character is left out whole, not logged in part.
    const padding = "a,".repeat(120);
    const straddling = maskUrl(`/api/calls?q=${padding}ravi.kumar.somebody%40acme.example`);
    expect(straddling).toMatch(/^\/api\/calls\?q=(a,)+a… \(of \d+ characters\)$/);
    expect(straddling).not.toMatch(/ravi|acme/);

    // One long run with nowhere to cut is masked whole, then shortened.
    const run = maskUrl(`/api/calls?q=${"x".repeat(300)}%40acme.example-${"9".repeat(300)}`);
    expect(run).toMatch(/^\/api\/calls\?q=\[email\]-9+… \(of \d+ characters\)$/);
    expect(run.indexOf("…")).toBe(256);
  });

  it("decodes only the start of a long URL, and never logs part of an address cut off with the rest", () => {
    const ids = Array.from({ length: 50 }, (_, i) => `f0a1d2e3-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const trpc = `/trpc/calls.status?input=${encodeURIComponent(JSON.stringify({ ids }))}`;
    expect(maskUrl(trpc)).toMatch(/^\/trpc\/calls\.status\?input=\{"ids":\["f0a1d2e3-[^%]+… \(of \d+ characters\)$/);

    // Non-ASCII text is nine URL characters a letter: the decoded start is short, and ends mid-address here.
    const hindi = `/api/calls?q=${"%E0%A4%95,".repeat(75)}ravi.kumar%40acme.example`;
    const logged = maskUrl(hindi);
    expect(logged).toMatch(/^\/api\/calls\?q=(क,)+क… \(of \d+ characters\)$/);
    expect(logged).not.toMatch(/ravi|acme|%/);
    // The same address whole, within reach, is masked as ever.
    expect(maskUrl(`/api/calls?q=${"%E0%A4%95,".repeat(10)}ravi.kumar%40acme.example`)).toBe(
      `/api/calls?q=${"क,".repeat(10)}[email]`,
    );
  });

  it("keeps a short, safe X-Request-Id and replaces anything else", () => {
    expect(requestIdFor("abc-123_X.y:z")).toBe("abc-123_X.y:z");
    for (const bad of ["x".repeat(65), "a b", "<script>", "ravi@acme.example", "", undefined, ["a", "b"]])
      expect(requestIdFor(bad as string)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("the server's real log lines carry the masked URL and a safe id, one line per request", async () => {
    const lines: string[] = [];
    const config = loadConfig({ SCRYON_DATA_DIR: "/tmp/unused", SCRYON_LOG_LEVEL: "info" });
    const app = Fastify({
      logger: loggerOptions(config, { write: (line: string) => lines.push(line) }),
      logController: new RequestLog(),
      requestIdHeader: false,
      genReqId: (request) => requestIdFor(request.headers["x-request-id"]),
    });
    app.get("/api/calls", async () => ({ ok: true }));
    app.get("/api/broken", async () => {
      throw new Error("boom");
    });
    await app.inject({
      url: "/api/calls?email=ravi%40acme.example&access_token=tok123&phone=%2B91%2098765%2043210",
      headers: { "x-request-id": "y".repeat(8000) },
    });
    const credentials = {
      authorization: "Bearer bearer-secret",
      "x-scryon-api-key": "key-secret",
      cookie: "s=cookie-secret",
    };
    await app.inject({ url: "/api/broken", headers: credentials });
    await app.close();
    const log = lines.join("");
    expect(log).toContain("email=[email]");
    expect(log).toContain("access_token=[redacted]");
    expect(log).not.toMatch(/acme|tok123|98765|yyyyyyyy|-secret/);

    const perRequest = lines.map((line) => JSON.parse(line)).filter((entry) => entry.reqId !== undefined);
    expect(perRequest.filter((entry) => entry.msg === "incoming request")).toEqual([]);
    const completed = perRequest.filter((entry) => entry.msg === "request completed");
    expect(completed).toHaveLength(2);
    expect(completed[0]).toMatchObject({ req: { method: "GET" }, res: { statusCode: 200 } });
    expect(completed[0].req.url).toMatch(/^\/api\/calls\?email=\[email\]/);
    expect(completed[0].responseTime).toEqual(expect.any(Number));
    expect(completed[1]).toMatchObject({ req: { url: "/api/broken" }, res: { statusCode: 500 } });
  });

  it("writes the request line byte for byte as pino writes it, to any pino stream", async () => {
    /** Logs each request twice: RequestLog's own line, then pino's general path with the same fields. */
    class AlongsidePino extends RequestLog {
      override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
        super.requestCompleted(error, request, reply);
        reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
      }
    }
    const config = loadConfig({ SCRYON_DATA_DIR: "/tmp/unused", SCRYON_LOG_LEVEL: "info" });
    const now = vi.spyOn(Date, "now").mockReturnValue(Date.UTC(2026, 11, 8, 9, 30));
    try {
      for (const streamOf of [
        (lines: string[]) => ({ write: (line: string) => void lines.push(line) }),
        // A multistream routes on the metadata pino attaches to each line: there pino's own path writes it.
        (lines: string[]) => pino.multistream([{ stream: { write: (line: string) => void lines.push(line) } }]),
      ]) {
        const lines: string[] = [];
        const app = Fastify({
          logger: loggerOptions(config, streamOf(lines)),
          logController: new AlongsidePino(),
          requestIdHeader: false,
          genReqId: (request) => requestIdFor(request.headers["x-request-id"]),
        });
        app.get("/api/calls", async () => ({ ok: true }));
        app.get("/api/calls/:id", async (_request, reply) => reply.code(404).send({ error: "none" }));
        await app.inject({ url: "/api/calls?q=ravi%40acme.example&say=%22quoted%22%5C%E0%A4%95%0A&limit=5" });
        await app.inject({ url: `/api/calls/${"x".repeat(40)}`, headers: { "x-request-id": "req-1:a.b" } });
        await app.close();
        const completed = lines.filter((line) => line.includes('"request completed"'));
        expect(completed).toHaveLength(4);
        expect(completed[0]).toBe(completed[1]);
        expect(completed[2]).toBe(completed[3]);
        expect(JSON.parse(completed[2]!)).toMatchObject({ reqId: "req-1:a.b", res: { statusCode: 404 } });
      }
    } finally {
      now.mockRestore();
    }
  });
});

describe("the batched log destination", () => {
  it("holds lines, writes them within a second, and writes what is left when the process crashes", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-log-"));
    const file = path.join(dir, "server.log");
    // A real process, so the crash is real: the lines still held must come out on its way down.
    // Its timers run in the order they fall due, so the one-second flush comes before the 1.5 s look.
    const script = `
      import fs from "node:fs";
      import pino from "pino";
      import { batchedLogDestination } from ${JSON.stringify(path.resolve(import.meta.dirname, "../src/logging.ts"))};
      const file = ${JSON.stringify(file)};
      const log = pino({}, batchedLogDestination(file));
      log.info("first line");
      const atOnce = fs.readFileSync(file, "utf8");
      setTimeout(() => {
        fs.writeFileSync(file + ".seen", JSON.stringify({ atOnce, afterASecond: fs.readFileSync(file, "utf8") }));
        log.info("last line");
        throw new Error("crash");
      }, 1500);`;
    const crashed = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", script],
      {
        cwd: import.meta.dirname,
      },
    ).then(
      () => null,
      (error: { code?: number }) => error,
    );
    expect(crashed?.code).toBe(1);
    const seen = JSON.parse(await fs.readFile(`${file}.seen`, "utf8"));
    expect(seen.atOnce).toBe("");
    expect(seen.afterASecond).toContain('"msg":"first line"');
    const lines = (await fs.readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).msg);
    expect(lines).toEqual(["first line", "last line"]);
    await fs.rm(dir, { recursive: true, force: true });
  });
});
