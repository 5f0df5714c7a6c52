import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getJson, startFirebaseKeys, startTestServer, type TestServer } from "./harness";

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
