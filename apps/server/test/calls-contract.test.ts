import fs from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  listStoredObjects,
  sendJson,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;

async function completedCall(metadata: Record<string, unknown> = {}) {
  const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), { metadata });
  expect(upload.status).toBe(202);
  expect(await waitForTerminal(server.url, upload.body.callId)).toBe("COMPLETED");
  return upload.body.callId as string;
}

async function storedFiles(callId?: string) {
  return (await listStoredObjects(server)).filter((key) => !callId || key.includes(callId));
}

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
});
afterAll(async () => {
  await server?.close();
  await transcription?.close();
});

describe("PATCH /api/calls/{id}", () => {
  it("edits title, summary and notes; omitted = unchanged, empty = cleared", async () => {
    const callId = await completedCall({ title: "Original" });
    const before = (await getJson(`${server.url}/api/calls/${callId}`)).body!;
    expect(before.summary).toEqual(expect.any(String)); // the analysis one-liner

    const edited = await sendJson("PATCH", `${server.url}/api/calls/${callId}`, {
      summary: "My summary",
      notes: "Call back",
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ title: "Original", summary: "My summary", notes: "Call back" });

    const cleared = await sendJson("PATCH", `${server.url}/api/calls/${callId}`, { title: "", summary: "" });
    expect(cleared.body!.title).toBeUndefined();
    expect(cleared.body!.summary).toBe(before.summary); // the override is gone, the analysis one is back
    expect(cleared.body!.notes).toBe("Call back");

    const bad = await sendJson("PATCH", `${server.url}/api/calls/${callId}`, { title: 42 });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
  });
});

describe("DELETE /api/calls/{id} and DELETE /api/calls", () => {
  it("hard-deletes a call with its artifacts and action items (204), then 404", async () => {
    const callId = await completedCall();
    await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "Manual" });
    expect((await storedFiles(callId)).length).toBeGreaterThan(0);
    const deleted = await fetch(`${server.url}/api/calls/${callId}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe("");
    expect(await storedFiles(callId)).toEqual([]);
    expect((await getJson(`${server.url}/api/calls/${callId}`)).status).toBe(404);
    expect(
      (await getJson(`${server.url}/api/actions`)).body!.items.some(
        (i: { callRecordId: string }) => i.callRecordId === callId,
      ),
    ).toBe(false);
    expect((await sendJson("DELETE", `${server.url}/api/calls/${callId}`)).status).toBe(404);
  });

  it("bulk-deletes and reports deleted, missing and failed; caps the batch", async () => {
    const a = await completedCall();
    const b = await completedCall();
    const missing = "00000000-0000-4000-8000-000000000000";
    const result = await sendJson("DELETE", `${server.url}/api/calls`, { callIds: [a, b, missing] });
    expect(result).toEqual({ status: 200, body: { deleted: 2, missing: 1, failed: [] } });
    const tooMany = Array.from({ length: 101 }, () => missing);
    expect((await sendJson("DELETE", `${server.url}/api/calls`, { callIds: tooMany })).status).toBe(400);
    expect((await sendJson("DELETE", `${server.url}/api/calls`, {})).status).toBe(400);
    expect((await sendJson("DELETE", `${server.url}/api/calls`, { callIds: ["../../etc"] })).status).toBe(400);
  });
});

describe("POST /api/calls/{id}/reanalyze", () => {
  it("re-runs the analysis from the stored transcript and replaces the AI items", async () => {
    const callId = await completedCall();
    const requestsBefore = transcription.received.length;
    const response = await sendJson("POST", `${server.url}/api/calls/${callId}/reanalyze`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ callId, status: "COMPLETED" });
    expect(transcription.received.length).toBe(requestsBefore); // no re-transcription
    const again = await fetch(`${server.url}/api/calls/${callId}/reanalyze`, { method: "POST" });
    expect(again.status).toBe(200);
    expect((await getJson(`${server.url}/api/calls/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect(
      (await sendJson("POST", `${server.url}/api/calls/00000000-0000-4000-8000-000000000000/reanalyze`)).status,
    ).toBe(404);
  });

  it("is a 409 with the offending status when the call is not COMPLETED", async () => {
    transcription.answerWith(async () => ({ status: 400, body: { error: { message: "bad audio" } } }));
    const upload = await uploadFile(server.url, fixture("audio", "tone.wav"));
    expect(await waitForTerminal(server.url, upload.body.callId)).toBe("FAILED");
    const detail = await getJson(`${server.url}/api/calls/${upload.body.callId}`);
    expect(detail.body!.errorReason).toBe("transcription_http_4xx");
    const response = await sendJson("POST", `${server.url}/api/calls/${upload.body.callId}/reanalyze`);
    expect(response).toMatchObject({
      status: 409,
      body: { error: { code: "call_state_conflict", details: { status: "FAILED" } } },
    });
    for (const sub of ["transcript", "analysis"]) {
      const r = await getJson(`${server.url}/api/calls/${upload.body.callId}/${sub}`);
      expect(r).toMatchObject({ status: 422, body: { error: { code: "call_not_completed" } } });
    }
    transcription.answerWith(async () => ({
      status: 200,
      body: JSON.parse(await fs.readFile(fixture("audio", "sample.verbose.json"), "utf8")),
    }));
  });

  it("does not exist in production", async () => {
    const prod = await startTestServer({ SCRYON_PROFILE: "prod" });
    try {
      const response = await sendJson("POST", `${prod.url}/api/calls/00000000-0000-4000-8000-000000000000/reanalyze`);
      expect(response).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
      const doc = await getJson(`${prod.url}/api/openapi.json`);
      expect(Object.keys(doc.body!.paths)).not.toContain("/calls/{id}/reanalyze");
    } finally {
      await prod.close();
    }
  });
});

describe("action items", () => {
  it("creates, lists, replaces, sets status and deletes", async () => {
    const callId = await completedCall();
    const created = await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, {
      title: "Send the deck",
      description: "v2",
      dueDate: "2026-06-01",
      priority: "HIGH",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      callRecordId: callId,
      title: "Send the deck",
      source: "MANUAL",
      status: "OPEN",
      priority: "HIGH",
      dueDate: "2026-06-01",
    });
    const id = created.body!.id as string;

    const perCall = await getJson(`${server.url}/api/calls/${callId}/action-items`);
    expect(perCall.body!.items.map((i: { id: string }) => i.id)).toContain(id);
    const list = await getJson(`${server.url}/api/calls?limit=100`);
    expect(list.body!.items.find((c: { callId: string }) => c.callId === callId)).toMatchObject({
      actionItemCount: expect.any(Number),
    });

    const patched = await sendJson("PATCH", `${server.url}/api/actions/${id}`, { status: "DONE" });
    expect(patched.body).toMatchObject({ id, status: "DONE" });
    expect((await sendJson("PATCH", `${server.url}/api/actions/${id}`, { status: "FINISHED" })).status).toBe(400);

    const replaced = await sendJson("PUT", `${server.url}/api/action-items/${id}`, {
      title: "Send the final deck",
      description: null,
      dueDate: null,
      priority: "LOW",
      status: "IN_PROGRESS",
    });
    expect(replaced.body).toMatchObject({
      title: "Send the final deck",
      description: null,
      dueDate: null,
      priority: "LOW",
      status: "IN_PROGRESS",
    });
    expect((await sendJson("PUT", `${server.url}/api/action-items/${id}`, { title: "only title" })).status).toBe(400);

    const all = await getJson(`${server.url}/api/actions?limit=100`);
    expect(all.body!.items[0].id).toBe(id); // newest first

    expect((await fetch(`${server.url}/api/action-items/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await sendJson("DELETE", `${server.url}/api/action-items/${id}`)).body).toMatchObject({
      error: { code: "action_item_not_found" },
    });
    expect((await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "   " })).status).toBe(
      400,
    );
    expect(
      (await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "x", dueDate: "next week" }))
        .status,
    ).toBe(400);
  });
});

describe("users/me", () => {
  it("reads and updates the display name", async () => {
    const me = await getJson(`${server.url}/api/users/me`);
    expect(me.body).toMatchObject({ id: expect.any(String), displayName: "Local Developer" });
    const updated = await sendJson("PATCH", `${server.url}/api/users/me`, { displayName: "Priya Sharma" });
    expect(updated.body).toMatchObject({ displayName: "Priya Sharma" });
    expect((await sendJson("PATCH", `${server.url}/api/users/me`, { displayName: "x".repeat(101) })).status).toBe(400);
  });
});

describe("Idempotency-Key", () => {
  it("returns the original response on retry, 409 for a different request", async () => {
    const headers = { "idempotency-key": "upload-key-1" };
    const first = await uploadFile(server.url, fixture("audio", "tone.wav"), { headers, metadata: { title: "once" } });
    const retry = await uploadFile(server.url, fixture("audio", "tone.wav"), { headers, metadata: { title: "once" } });
    expect(retry).toEqual(first);
    const other = await uploadFile(server.url, fixture("audio", "tone.mp3"), { headers, metadata: { title: "once" } });
    expect(other).toMatchObject({ status: 409, body: { error: { code: "idempotency_key_reused" } } });
    await waitForTerminal(server.url, first.body.callId);
  });

  it("20 concurrent uploads with one key create exactly one call and keep one file", async () => {
    const before = (await getJson(`${server.url}/api/calls?limit=100`)).body!.items.length;
    const headers = { "idempotency-key": "concurrent-key" };
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        uploadFile(server.url, fixture("audio", "tone.wav"), { headers, metadata: { title: "burst" } }),
      ),
    );
    const ids = new Set(results.map((r) => r.body.callId));
    expect(results.every((r) => r.status === 202)).toBe(true);
    expect(ids.size).toBe(1);
    const [callId] = [...ids] as [string];
    await waitForTerminal(server.url, callId);
    expect((await getJson(`${server.url}/api/calls?limit=100`)).body!.items.length).toBe(before + 1);
    // Only the winner's audio was kept (and it is deleted once processed); no stray temp files.
    // (Deleted just after the terminal transition: wait for it rather than race it.)
    await expect
      .poll(async () => (await storedFiles()).filter((f) => f.includes("/temp/")), { timeout: 30_000 })
      .toEqual([]);
  });

  it("applies to JSON mutations too", async () => {
    const callId = await completedCall();
    const headers = { "idempotency-key": "create-item-1" };
    const a = await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "Once" }, headers);
    const b = await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "Once" }, headers);
    expect(b.body).toEqual(a.body);
    const c = await sendJson("POST", `${server.url}/api/calls/${callId}/action-items`, { title: "Twice" }, headers);
    expect(c.status).toBe(409);
    const items = (await getJson(`${server.url}/api/calls/${callId}/action-items`)).body!.items;
    expect(items.filter((i: { title: string }) => i.title === "Once")).toHaveLength(1);
  });
});

describe("hostile input", () => {
  const hostileStrings = [
    "'; DROP TABLE calls; --",
    "../../../etc/passwd",
    "%2e%2e%2f%2e%2e%2f",
    "<script>alert(1)</script>",
    "\u0000\u0001\u0002",
    "𝕊𝕔𝕣𝕪𝕠𝕟 👋",
    "x".repeat(10_000),
  ];

  it.each(hostileStrings.map((s) => [s.slice(0, 20), s]))(
    "path ids and query values %s → documented 4xx, nothing stored",
    async (_label, value) => {
      const encoded = encodeURIComponent(value);
      for (const url of [
        `/api/calls/${encoded}`,
        `/api/calls/${encoded}/transcript`,
        `/api/calls?cursor=${encoded}`,
        `/api/calls?status=${encoded}`,
        `/api/calls?limit=${encoded}`,
      ]) {
        const response = await getJson(`${server.url}${url}`);
        expect(response.status, url).toBeGreaterThanOrEqual(400);
        expect(response.status, url).toBeLessThan(500);
        expect(response.body!.error.code, url).toMatch(/^(validation_failed|call_not_found|not_found)$/);
      }
    },
  );

  it.each(hostileStrings.map((s) => [s.slice(0, 20), s]))(
    "metadata and file name %s are stored safely or refused",
    async (_label, value) => {
      const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), {
        metadata: { title: value.slice(0, 200), contactName: value },
        fileName: value.slice(0, 200),
      });
      if (value.length > 200 || value.includes("\u0000")) {
        expect(upload).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
        return;
      }
      expect(upload.status).toBe(202);
      // Keys never carry user text.
      const files = await storedFiles(upload.body.callId);
      for (const file of files) expect(file).toMatch(/users\/[0-9a-f-]{36}\/calls\/[0-9a-f-]{36}\//);
      const detail = await getJson(`${server.url}/api/calls/${upload.body.callId}`);
      expect(detail.body!.contactName).toBe(value.trim() || undefined);
    },
  );

  it("deeply nested, oversized and wrongly typed JSON bodies are 4xx", async () => {
    const callId = "00000000-0000-4000-8000-000000000000";
    for (const depth of [100, 5000, 100_000]) {
      const nested = await fetch(`${server.url}/api/calls/${callId}`, {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: `{"title":${"[".repeat(depth)}${"]".repeat(depth)}}`,
      });
      expect(nested.status, `depth ${depth}`).toBe(400);
    }
    const huge = await fetch(`${server.url}/api/calls/${callId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ notes: "x".repeat(10 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as any).error.code).toBe("payload_too_large");
    const nul = await sendJson("PATCH", `${server.url}/api/users/me`, { displayName: "a\u0000b" });
    expect(nul).toMatchObject({ status: 400, body: { error: { code: "validation_failed" } } });
    const notJson = await fetch(`${server.url}/api/users/me`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: "{oops",
    });
    expect(notJson.status).toBe(400);
    expect(((await notJson.json()) as any).error.code).toBe("validation_failed");
    const wrongType = await fetch(`${server.url}/api/users/me`, {
      method: "PATCH",
      headers: { "content-type": "text/plain" },
      body: "displayName=x",
    });
    expect(wrongType.status).toBe(415);
    const invalidUtf8 = await fetch(`${server.url}/api/users/me`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: Buffer.concat([Buffer.from('{"displayName":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
    });
    expect(invalidUtf8.status).toBeLessThan(500);
  });

  it("a truncated multipart body is a 400 and stores nothing", async () => {
    const boundary = "----scryonboundary";
    const wav = await fs.readFile(fixture("audio", "tone.wav"));
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\nContent-Type: audio/wav\r\n\r\n`,
    );
    const body = Buffer.concat([head, wav.subarray(0, 5000)]); // no closing boundary
    // Let the calls of earlier tests finish writing their artifacts first.
    for (const call of (await getJson(`${server.url}/api/calls?limit=100`)).body!.items)
      await waitForTerminal(server.url, call.callId);
    const before = (await storedFiles()).length;
    const response = await fetch(`${server.url}/api/calls/analyze`, {
      method: "POST",
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as any).error.code).toBe("validation_failed");
    expect((await storedFiles()).length).toBe(before);
  });
});
