import http from "node:http";
import type { AddressInfo } from "node:net";
import type { AppRouter } from "@scryon/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  sendJson,
  startFakeTranscriptionServer,
  startFirebaseKeys,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/** docs/contract.md § Webhooks, against a real receiver, in both modes (the vitest project picks the mode). */

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Answer = { status: number; headers?: Record<string, string> } | "hold";

/** A real HTTP receiver: records every POST; the test scripts each path's answers in order (the last repeats). */
async function startReceiver() {
  const received: Received[] = [];
  const scripts = new Map<string, Answer[]>();
  const held: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      received.push({ path, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString() });
      const script = scripts.get(path) ?? [];
      const answer = (script.length > 1 ? script.shift() : script[0]) ?? { status: 200 };
      if (answer === "hold") {
        held.push(res);
        return;
      }
      res.writeHead(answer.status, answer.headers).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    at: (path: string) => received.filter((r) => r.path === path),
    script(path: string, answers: Answer[]) {
      scripts.set(path, answers);
    },
    releaseHeld() {
      for (const res of held.splice(0)) res.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls until `check` returns a value (not undefined); the state asserted on is what we wait for. */
async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 25_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ENV = {
  // Fast retries for the suite; the defaults (15 s base, 1 h cap, 24 h window) are in the README.
  SCRYON_WEBHOOK_RETRY_BASE_SECONDS: "0.05",
  SCRYON_WEBHOOK_RETRY_MAX_SECONDS: "0.2",
};

describe("webhooks", () => {
  let keys: Awaited<ReturnType<typeof startFirebaseKeys>>;
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: TestServer;
  let env: Record<string, string>;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    keys = await startFirebaseKeys();
    transcription = await startFakeTranscriptionServer();
    receiver = await startReceiver();
    env = {
      ...ENV,
      FIREBASE_PROJECT_ID: keys.projectId,
      FIREBASE_JWKS_URL: keys.jwksUrl,
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
    };
    server = await startTestServer(env);
    alice = { authorization: `Bearer ${await keys.token("alice-uid", { email: "alice@example.com" })}` };
    bob = { authorization: `Bearer ${await keys.token("bob-uid")}` };
  });
  afterAll(async () => {
    await server?.close();
    receiver?.releaseHeld();
    await receiver?.close();
    await transcription?.close();
    await keys?.close();
  });

  const api = (path: string) => `${server.url}/api${path}`;
  const register = async (path: string, events = ["call.completed", "call.failed", "call.deleted"]) => {
    const created = await sendJson("POST", api("/webhooks"), { url: `${receiver.base}${path}`, events }, alice);
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };
  const deliveries = async (id: string, headers = alice) =>
    (await getJson(api(`/webhooks/${id}/deliveries`), headers)).body!.items as Array<Record<string, any>>;
  const finishedDelivery = (id: string) =>
    waitFor(async () => {
      const [latest] = await deliveries(id);
      return latest && latest.status !== "PENDING" ? latest : undefined;
    }, "a finished delivery");

  it("registers an endpoint with a whsec_ secret shown once, and signs a test message verifiably", async () => {
    const hook = await register("/test");
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const read = await getJson(api(`/webhooks/${hook.id}`), alice);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: hook.id, url: `${receiver.base}/test`, enabled: true, disabledReason: null });
    expect(read.body).not.toHaveProperty("secret");

    const test = await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    expect(test.status).toBe(202);
    const done = await finishedDelivery(hook.id);
    expect(done).toMatchObject({
      status: "SUCCEEDED",
      attempts: 1,
      responseStatusCode: 200,
      eventType: "webhook.test",
    });

    const [request] = receiver.at("/test");
    expect(request!.headers["webhook-id"]).toBe(done.messageId);
    expect(request!.headers["content-type"]).toBe("application/json");
    const event = new Webhook(hook.secret).verify(request!.body, request!.headers) as Record<string, any>;
    expect(event).toMatchObject({ type: "webhook.test", data: { webhookId: hook.id } });
    // A wrong secret does not verify.
    const other = (await register("/other")).secret;
    expect(() => new Webhook(other).verify(request!.body, request!.headers)).toThrow();
  });

  it("pushes call.completed and call.deleted with ids, status and URLs only, signed", async () => {
    const hook = await register("/calls");
    const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), {
      headers: alice,
      metadata: { title: "Secret project", contactName: "Ravi", phoneNumber: "+91 98765 43210" },
    });
    const callId = upload.body.callId as string;
    expect(await waitForTerminal(server.url, callId, alice)).toBe("COMPLETED");
    const completed = await waitFor(async () => receiver.at("/calls")[0], "call.completed");
    const event = new Webhook(hook.secret).verify(completed.body, completed.headers) as Record<string, any>;
    expect(event).toEqual({
      type: "call.completed",
      timestamp: expect.stringMatching(/Z$/),
      data: {
        callId,
        status: "COMPLETED",
        errorReason: null,
        urls: {
          call: `/api/calls/${callId}`,
          status: `/api/calls/status?ids=${callId}`,
          transcript: `/api/calls/${callId}/transcript`,
          analysis: `/api/calls/${callId}/analysis`,
          actionItems: `/api/calls/${callId}/action-items`,
        },
      },
    });
    expect(completed.body).not.toMatch(/Secret project|Ravi|98765/);

    expect((await sendJson("DELETE", api(`/calls/${callId}`), undefined, alice)).status).toBe(204);
    const deleted = await waitFor(async () => receiver.at("/calls")[1], "call.deleted");
    expect(new Webhook(hook.secret).verify(deleted.body, deleted.headers)).toMatchObject({
      type: "call.deleted",
      data: { callId },
    });
    expect(deleted.headers["webhook-id"]).not.toBe(completed.headers["webhook-id"]);
  });

  it("pushes call.failed with the errorReason to an endpoint subscribed to it only", async () => {
    const hook = await register("/failed", ["call.failed"]);
    transcription.answerWith(async () => ({ status: 400, body: { error: { message: "bad audio" } } }));
    try {
      const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), { headers: alice });
      expect(await waitForTerminal(server.url, upload.body.callId, alice)).toBe("FAILED");
      const request = await waitFor(async () => receiver.at("/failed")[0], "call.failed");
      const event = new Webhook(hook.secret).verify(request.body, request.headers) as Record<string, any>;
      expect(event).toMatchObject({
        type: "call.failed",
        data: { callId: upload.body.callId, status: "FAILED", errorReason: expect.any(String) },
      });
      expect(event.data.urls.transcript).toBeUndefined();
    } finally {
      transcription.answerWith(async () => ({
        status: 200,
        body: JSON.parse(
          await (await import("node:fs/promises")).readFile(fixture("audio", "sample.verbose.json"), "utf8"),
        ),
      }));
    }
  });

  it("retries 500, 500, then 200: three attempts with the same webhook-id, each signed", async () => {
    const hook = await register("/flaky");
    receiver.script("/flaky", [{ status: 500 }, { status: 500 }, { status: 200 }]);
    await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    const done = await finishedDelivery(hook.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 3, responseStatusCode: 200 });
    expect(done.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    const requests = receiver.at("/flaky");
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([done.messageId]));
    for (const request of requests)
      expect(() => new Webhook(hook.secret).verify(request.body, request.headers)).not.toThrow();
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
  });

  it("stops at 410 Gone and at other 4xx, without retrying", async () => {
    const gone = await register("/gone");
    receiver.script("/gone", [{ status: 410 }, { status: 200 }]);
    await sendJson("POST", api(`/webhooks/${gone.id}/test`), undefined, alice);
    expect(await finishedDelivery(gone.id)).toMatchObject({
      status: "FAILED",
      attempts: 1,
      responseStatusCode: 410,
      failureReason: "gone",
    });
    expect(receiver.at("/gone")).toHaveLength(1);

    const bad = await register("/bad");
    receiver.script("/bad", [{ status: 400 }, { status: 200 }]);
    await sendJson("POST", api(`/webhooks/${bad.id}/test`), undefined, alice);
    expect(await finishedDelivery(bad.id)).toMatchObject({
      status: "FAILED",
      attempts: 1,
      failureReason: "client_error",
    });
    expect(receiver.at("/bad")).toHaveLength(1);
  });

  it("honours Retry-After on 429", async () => {
    const hook = await register("/busy");
    receiver.script("/busy", [{ status: 429, headers: { "retry-after": "1" } }, { status: 200 }]);
    await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    const done = await finishedDelivery(hook.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", attempts: 2 });
    const [first, second] = done.attemptLog as Array<{ at: string }>;
    // A lower bound only: the second attempt never comes before the receiver asked.
    expect(Date.parse(second!.at) - Date.parse(first!.at)).toBeGreaterThanOrEqual(1000);
  });

  it("redelivers a finished delivery with the same webhook-id", async () => {
    const hook = await register("/again");
    await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    const done = await finishedDelivery(hook.id);
    const again = await sendJson("POST", api(`/webhooks/${hook.id}/deliveries/${done.id}/redeliver`), undefined, alice);
    expect(again.status).toBe(202);
    await waitFor(async () => ((await deliveries(hook.id))[0]?.attempts === 2 ? true : undefined), "the redelivery");
    const requests = receiver.at("/again");
    expect(requests).toHaveLength(2);
    expect(requests[1]!.headers["webhook-id"]).toBe(done.messageId);
    expect(requests[1]!.body).toBe(requests[0]!.body);
  });

  it("signs with both secrets for 24 h after a rotation", async () => {
    const hook = await register("/rotate");
    const rotated = await sendJson("POST", api(`/webhooks/${hook.id}/rotate-secret`), undefined, alice);
    expect(rotated.status).toBe(200);
    expect(rotated.body!.secret).not.toBe(hook.secret);
    const overlapEnds = Date.parse(rotated.body!.previousSecretExpiresAt);
    expect(overlapEnds).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    const request = await waitFor(async () => receiver.at("/rotate")[0], "the test message");
    expect(request.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    expect(() => new Webhook(hook.secret).verify(request.body, request.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body!.secret).verify(request.body, request.headers)).not.toThrow();
  });

  it("lets no other user read, change or trigger an endpoint or its deliveries (404)", async () => {
    const hook = await register("/private");
    await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    const done = await finishedDelivery(hook.id);
    const notFound = { error: { code: "webhook_not_found", message: expect.any(String) } };
    expect(await getJson(api(`/webhooks/${hook.id}`), bob)).toMatchObject({ status: 404, body: notFound });
    expect(await getJson(api(`/webhooks/${hook.id}/deliveries`), bob)).toMatchObject({ status: 404, body: notFound });
    for (const [method, path, body] of [
      ["POST", `/webhooks/${hook.id}/test`, undefined],
      ["POST", `/webhooks/${hook.id}/rotate-secret`, undefined],
      ["POST", `/webhooks/${hook.id}/deliveries/${done.id}/redeliver`, undefined],
      ["PATCH", `/webhooks/${hook.id}`, { enabled: false }],
      ["DELETE", `/webhooks/${hook.id}`, undefined],
    ] as const)
      expect(await sendJson(method, api(path), body, bob)).toMatchObject({ status: 404, body: notFound });
    expect((await getJson(api("/webhooks"), bob)).body!.items).toEqual([]);
    expect(receiver.at("/private")).toHaveLength(1);
    expect((await getJson(api(`/webhooks/${hook.id}`), alice)).body!.enabled).toBe(true);
  });

  it("serves the same procedures over tRPC, with the same ownership", async () => {
    const client = (headers: Record<string, string>) =>
      createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc`, headers })] });
    const created = await client(alice).webhooks.create.mutate({
      url: `${receiver.base}/trpc`,
      events: ["call.failed"],
      description: "over tRPC",
    });
    expect(created.secret).toMatch(/^whsec_/);
    const listed = await client(alice).webhooks.list.query({});
    expect(listed.items.map((w) => w.id)).toContain(created.id);
    const rest = await getJson(api(`/webhooks/${created.id}`), alice);
    expect(rest.body).toMatchObject({ id: created.id, description: "over tRPC", events: ["call.failed"] });
    const denied = await client(bob)
      .webhooks.get.query({ id: created.id })
      .catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(TRPCClientError);
    expect((denied as TRPCClientError<AppRouter>).data).toMatchObject({
      httpStatus: 404,
      error: { code: "webhook_not_found" },
    });
  });

  it("answers bad input in the documented shape", async () => {
    const bad = await sendJson(
      "POST",
      api("/webhooks"),
      { url: "ftp://example.com", events: ["call.completed"] },
      alice,
    );
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    expect(bad.body!.error.details.fields[0].path).toBe("url");
    const noEvents = await sendJson("POST", api("/webhooks"), { url: `${receiver.base}/x`, events: [] }, alice);
    expect(noEvents).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    const unknown = await sendJson(
      "POST",
      api("/webhooks"),
      { url: `${receiver.base}/x`, events: ["call.nope"] },
      alice,
    );
    expect(unknown).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
  });

  it("does not lose a delivery whose worker stopped mid-request", async () => {
    const hook = await register("/crash");
    receiver.script("/crash", ["hold", { status: 200 }]);
    await sendJson("POST", api(`/webhooks/${hook.id}/test`), undefined, alice);
    await waitFor(async () => receiver.at("/crash")[0], "the first request");
    // The server goes away while the receiver has not answered; its job is released (embedded) or failed back (pg-boss).
    await server.stop({ timeoutMs: 50 });
    receiver.releaseHeld();
    server = await startTestServer(env, server.dataDir);
    const done = await finishedDelivery(hook.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", responseStatusCode: 200 });
    const requests = receiver.at("/crash");
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([done.messageId]));
  });
});

describe("webhooks in production (SCRYON_PROFILE=prod)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ...ENV, SCRYON_PROFILE: "prod" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    ["http://example.com/hook", "must use https"],
    ["https://127.0.0.1/hook", "must not point at a private or local address"],
    ["https://localhost/hook", "must not point at a private or local address"],
    ["https://169.254.169.254/latest/meta-data", "must not point at a private or local address"],
    ["https://[::1]/hook", "must not point at a private or local address"],
    ["https://10.1.2.3/hook", "must not point at a private or local address"],
    ["https://[::ffff:192.168.0.1]/hook", "must not point at a private or local address"],
  ])("refuses %s at registration", async (url, message) => {
    const created = await sendJson("POST", `${server.url}/api/webhooks`, { url, events: ["call.completed"] });
    expect(created).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    expect(created.body!.error.details.fields).toEqual([{ path: "url", message }]);
  });
});

describe("webhooks: an endpoint failing for too long", () => {
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    receiver = await startReceiver();
    // 0.0001 h = 0.36 s standing in for the 3 days of the default.
    server = await startTestServer({ ...ENV, SCRYON_WEBHOOK_DISABLE_AFTER_HOURS: "0.0001" });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it("is disabled with a reason, its pending delivery stops, and enabling it again clears the reason", async () => {
    receiver.script("/down", [{ status: 503 }]);
    const created = await sendJson("POST", `${server.url}/api/webhooks`, {
      url: `${receiver.base}/down`,
      events: ["call.completed"],
    });
    const id = created.body!.id as string;
    await sendJson("POST", `${server.url}/api/webhooks/${id}/test`);
    const delivery = await waitFor(async () => {
      const [latest] = (await getJson(`${server.url}/api/webhooks/${id}/deliveries`)).body!.items;
      return latest?.status === "FAILED" ? latest : undefined;
    }, "the delivery to stop");
    expect(delivery.failureReason).toBe("endpoint_disabled");
    expect(delivery.attemptLog.at(-1)).toMatchObject({ statusCode: null, error: "endpoint_disabled" });
    expect(delivery.attemptLog.slice(0, -1).every((a: { statusCode: number }) => a.statusCode === 503)).toBe(true);
    expect((await getJson(`${server.url}/api/webhooks/${id}`)).body).toMatchObject({
      enabled: false,
      disabledReason: "failing_for_too_long",
    });
    const enabled = await sendJson("PATCH", `${server.url}/api/webhooks/${id}`, { enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null });
  });
});
