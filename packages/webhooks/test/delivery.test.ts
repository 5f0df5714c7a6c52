import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkWebhookUrl,
  isBlockedAddress,
  judge,
  parseRetryAfter,
  postWebhook,
  type RetryPolicy,
  retryDelayMs,
} from "../src/index";

describe("address policy", () => {
  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "172.31.255.255",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00:ec2::254",
    "fc00::1",
    "ff02::1",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "not-an-ip",
  ])("blocks %s", (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])(
    "allows %s",
    (address) => {
      expect(isBlockedAddress(address)).toBe(false);
    },
  );

  it("outside production takes any http(s) URL, but never credentials or other schemes", async () => {
    await expect(checkWebhookUrl("http://127.0.0.1:9/x", { strict: false })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("ftp://example.com", { strict: false })).rejects.toThrow("http(s)");
    await expect(checkWebhookUrl("https://u:p@example.com", { strict: false })).rejects.toThrow("credentials");
    await expect(checkWebhookUrl("not a url", { strict: false })).rejects.toThrow("http(s)");
  });

  it("in production wants https and a public address, also behind a name", async () => {
    await expect(checkWebhookUrl("http://93.184.216.34/x", { strict: true })).rejects.toThrow("https");
    await expect(checkWebhookUrl("https://93.184.216.34/x", { strict: true })).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl("https://localhost/x", { strict: true })).rejects.toThrow("private or local");
    await expect(checkWebhookUrl("https://[fd00:ec2::254]/x", { strict: true })).rejects.toThrow("private or local");
  });
});

describe("retry schedule", () => {
  const defaults: RetryPolicy = { baseDelayMs: 15_000, maxDelayMs: 3_600_000, windowMs: 24 * 3_600_000 };

  it("retries the first time within 30 s, with jitter between half and all of the step", () => {
    expect(retryDelayMs(1, defaults, null, () => 0)).toBe(7_500);
    expect(retryDelayMs(1, defaults, null, () => 1)).toBe(15_000);
    expect(retryDelayMs(1, defaults, null)).toBeLessThanOrEqual(30_000);
  });

  it("doubles per attempt up to the cap", () => {
    expect(retryDelayMs(2, defaults, null, () => 1)).toBe(30_000);
    expect(retryDelayMs(3, defaults, null, () => 1)).toBe(60_000);
    expect(retryDelayMs(20, defaults, null, () => 1)).toBe(3_600_000);
    expect(retryDelayMs(500, defaults, null, () => 1)).toBe(3_600_000);
  });

  it("takes Retry-After as given, up to the window", () => {
    expect(retryDelayMs(1, defaults, 120_000, () => 0)).toBe(120_000);
    expect(retryDelayMs(1, defaults, 10 * 24 * 3_600_000)).toBe(defaults.windowMs);
    expect(parseRetryAfter("120")).toBe(120_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.parse("Wed, 21 Oct 2015 07:27:00 GMT"))).toBe(60_000);
    expect(parseRetryAfter("soon")).toBeNull();
    expect(parseRetryAfter(undefined)).toBeNull();
  });

  it("retries network errors, timeouts, 5xx and 429; stops on 410, other 4xx and 3xx", () => {
    const answer = (statusCode: number) =>
      judge({ kind: "response", statusCode, retryAfterMs: null, durationMs: 1 }).kind;
    expect(answer(200)).toBe("succeeded");
    expect(answer(204)).toBe("succeeded");
    expect(answer(500)).toBe("retry");
    expect(answer(503)).toBe("retry");
    expect(answer(429)).toBe("retry");
    expect(answer(410)).toBe("stop");
    expect(answer(400)).toBe("stop");
    expect(answer(404)).toBe("stop");
    expect(answer(302)).toBe("stop");
    expect(judge({ kind: "error", error: "timeout", durationMs: 1 }).kind).toBe("retry");
    expect(judge({ kind: "error", error: "network_error", durationMs: 1 }).kind).toBe("retry");
    expect(judge({ kind: "error", error: "refused_address", durationMs: 1 }).kind).toBe("stop");
  });
});

describe("the POST", () => {
  let server: http.Server;
  let base: string;
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      req.resume();
      req.on("end", () => {
        if (req.url === "/redirect") res.writeHead(302, { location: `${base}/target` }).end();
        else if (req.url === "/hang") {
          /* never answers */
        } else if (req.url === "/huge") {
          res.writeHead(200);
          // An endless body: the client must stop reading at its cap.
          const chunk = Buffer.alloc(16 * 1024, 97);
          const pump = () => {
            while (!res.destroyed && res.write(chunk)) {}
            if (!res.destroyed) res.once("drain", pump);
          };
          pump();
        } else res.writeHead(200).end("ok");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const post = (path: string, overrides: Partial<Parameters<typeof postWebhook>[0]> = {}) =>
    postWebhook({
      url: new URL(`${base}${path}`),
      headers: { "webhook-id": "msg_1" },
      body: "{}",
      timeoutMs: 10_000,
      maxResponseBytes: 64 * 1024,
      strict: false,
      ...overrides,
    });

  it("does not follow redirects", async () => {
    const result = await post("/redirect");
    expect(result).toMatchObject({ kind: "response", statusCode: 302 });
    expect(hits).not.toContain("/target");
  });

  it("stops reading a response at the cap (the body never ends, so only the cap can finish it)", async () => {
    const result = await post("/huge");
    expect(result).toMatchObject({ kind: "response", statusCode: 200 });
  });

  it("gives up on a receiver that does not answer in time", async () => {
    expect(await post("/hang", { timeoutMs: 200 })).toMatchObject({ kind: "error", error: "timeout" });
  });

  it("refuses to connect to a name resolving to a local address in strict mode", async () => {
    const port = new URL(base).port;
    const result = await post("/ok", { url: new URL(`http://localhost:${port}/ok`), strict: true });
    expect(result).toMatchObject({ kind: "error", error: "refused_address" });
    expect(await post("/ok")).toMatchObject({ kind: "response", statusCode: 200 });
  });

  it("reports a refused connection as a network error", async () => {
    expect(await post("/", { url: new URL("http://127.0.0.1:1/") })).toMatchObject({
      kind: "error",
      error: "network_error",
    });
  });
});
