import fs from "node:fs/promises";
import path from "node:path";
import type { AppRouter } from "@scryon/api";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
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

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "test-key",
    MAX_FILE_SIZE: "256KB",
  });
});
afterAll(async () => {
  await server?.close();
  await transcription?.close();
});

describe("upload → poll → transcript and analysis (REST)", () => {
  it.each(["tone.wav", "tone.mp3", "tone.m4a", "tone.aac", "tone.ogg"])("accepts %s and completes it", async (name) => {
    const upload = await uploadFile(server.url, fixture("audio", name), {
      metadata: {
        title: "Quarterly review",
        contactName: "Ravi",
        direction: "OUTGOING",
        recordedAt: "2026-05-29T13:00:00Z",
      },
    });
    expect(upload.status).toBe(202);
    expect(upload.body).toEqual({ callId: expect.stringMatching(/^[0-9a-f-]{36}$/), status: "QUEUED" });
    const callId = upload.body.callId as string;

    expect(await waitForTerminal(server.url, callId)).toBe("COMPLETED");

    const detail = await getJson(`${server.url}/api/calls/${callId}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({
      callId,
      title: "Quarterly review",
      status: "COMPLETED",
      direction: "OUTGOING",
      contactName: "Ravi",
      recordedAt: "2026-05-29T13:00:00Z",
      errorReason: null,
    });
    expect(detail.body!.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(detail.body!.durationSeconds).toBeGreaterThan(3);

    const transcript = await getJson(`${server.url}/api/calls/${callId}/transcript`);
    expect(transcript.status).toBe(200);
    expect(transcript.body).toMatchObject({ schemaVersion: 2, callId, language: "en" });
    expect(transcript.body!.segments.length).toBeGreaterThan(0);
    expect(transcript.body!.cleanText).toMatch(/^\[00:0\d - 00:0\d\] /);
    expect(transcript.body!.cleanText.toLowerCase()).toContain("short test recording");

    const analysis = await getJson(`${server.url}/api/calls/${callId}/analysis`);
    expect(analysis.status).toBe(200);
    expect(analysis.body).toMatchObject({ schemaVersion: 3 });
    expect(typeof analysis.body!.oneLineSummary).toBe("string");
    expect(analysis.body!.shortSummary).toBe(analysis.body!.oneLineSummary);

    // The raw audio is gone once processed (docs/contract.md § Privacy rules), just after the terminal transition.
    const tempAudio = async () =>
      (await listStoredObjects(server)).filter((f) => f.includes(callId) && f.includes("/temp/"));
    await expect.poll(tempAudio, { timeout: 30_000 }).toEqual([]);
    const files = await listStoredObjects(server);
    expect(
      files
        .filter((f) => f.includes(callId))
        .map((f) => f.split(`${callId}/`)[1])
        .sort(),
    ).toEqual([
      "analysis/analysis.json",
      "diarization/diarization.json",
      "transcripts/normalized.json",
      "transcripts/raw.json",
    ]);
  });

  it("sent the provider the preprocessed audio with verbose_json", () => {
    expect(transcription.received.length).toBeGreaterThan(0);
    for (const request of transcription.received) {
      expect(request).toMatchObject({ model: "whisper-1", responseFormat: "verbose_json" });
      expect(request.fileBytes).toBeGreaterThan(1000);
    }
  });

  it("lists calls newest first with pages and a status filter", async () => {
    const page1 = await getJson(`${server.url}/api/calls?limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body!.items).toHaveLength(2);
    expect(page1.body!.nextCursor).toEqual(expect.any(String));
    const page2 = await getJson(`${server.url}/api/calls?limit=2&cursor=${page1.body!.nextCursor}`);
    const page3 = await getJson(`${server.url}/api/calls?limit=2&cursor=${page2.body!.nextCursor}`);
    const ids = [...page1.body!.items, ...page2.body!.items, ...page3.body!.items].map(
      (c: { callId: string }) => c.callId,
    );
    expect(new Set(ids).size).toBe(5);
    expect(page3.body!.nextCursor).toBeUndefined();
    expect(page1.body!.items[0]).toMatchObject({
      status: "COMPLETED",
      actionItemCount: expect.any(Number),
      firstActionTitle: null,
    });
    const created = [...page1.body!.items, ...page2.body!.items].map((c: { createdAt: string }) => c.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    const failed = await getJson(`${server.url}/api/calls?status=FAILED`);
    expect(failed.body!.items).toEqual([]);
  });

  it("answers a garbled or forged cursor with 400 validation_failed", async () => {
    for (const cursor of [
      "garbage!!",
      "eyJ2IjoxfQ",
      Buffer.from('{"v":1,"t":1,"i":"x","f":null}').toString("base64url"),
      "A".repeat(600),
    ]) {
      const response = await getJson(`${server.url}/api/calls?cursor=${encodeURIComponent(cursor)}`);
      expect(response.status).toBe(400);
      expect(response.body!.error.code).toBe("validation_failed");
    }
    // A cursor made for another status filter is refused rather than silently misapplied.
    const page = await getJson(`${server.url}/api/calls?limit=1`);
    const mismatch = await getJson(`${server.url}/api/calls?limit=1&status=COMPLETED&cursor=${page.body!.nextCursor}`);
    expect(mismatch.status).toBe(400);
  });

  it("enforces limit bounds", async () => {
    for (const limit of ["0", "-1", "101", "abc", "1e9"]) {
      const response = await getJson(`${server.url}/api/calls?limit=${limit}`);
      expect(response.status, `limit=${limit}`).toBe(400);
      expect(response.body!.error.code).toBe("validation_failed");
    }
  });

  it("polls many statuses, each once in the order asked, and leaves unknown ids out", async () => {
    const list = await getJson(`${server.url}/api/calls?limit=3`);
    const ids = list.body!.items.map((c: { callId: string }) => c.callId);
    const unknown = "00000000-0000-4000-8000-000000000000";
    const asked = [ids[1], unknown, ...ids, "not-a-uuid", ids[1]];
    const poll = await getJson(`${server.url}/api/calls/status?ids=${asked.join(",")}`);
    expect(poll.status).toBe(200);
    expect(poll.body!.items).toEqual(
      [ids[1], ids[0], ids[2]].map((callId: string) => ({ callId, status: "COMPLETED" })),
    );
    // A repeated key (OkHttp's addQueryParameter per id) and spaces around the commas read the same.
    const repeated = await getJson(`${server.url}/api/calls/status?ids=${ids[0]},%20${ids[1]}&ids=${ids[2]}%20,`);
    expect(repeated.body!.items.map((item: { callId: string }) => item.callId)).toEqual(ids);
    const tooMany = Array.from({ length: 101 }, () => unknown).join(",");
    expect((await getJson(`${server.url}/api/calls/status?ids=${tooMany}`)).status).toBe(400);
  });
});

describe("upload errors (seed table)", () => {
  const countStored = async () => (await listStoredObjects(server)).filter((f) => f.includes("/temp/")).length;
  const countCalls = async () => (await getJson(`${server.url}/api/calls?limit=100`)).body!.items.length as number;

  it("400 validation_failed for a missing file, bad metadata JSON and metadata failing the schema — nothing stored", async () => {
    const callsBefore = await countCalls();
    const noFile = new FormData();
    noFile.append("metadata", "{}");
    const r1 = await fetch(`${server.url}/api/calls/analyze`, { method: "POST", body: noFile });
    expect(r1.status).toBe(400);
    expect(((await r1.json()) as any).error).toMatchObject({ code: "validation_failed" });

    const bad = await uploadFile(server.url, fixture("audio", "tone.wav"), { rawMetadata: "{not json" });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "validation_failed", details: { fields: [{ path: "metadata" }] } });

    const invalid = await uploadFile(server.url, fixture("audio", "tone.wav"), {
      metadata: { direction: "SIDEWAYS", recordedAt: "yesterday", durationSeconds: -3 },
    });
    expect(invalid.status).toBe(400);
    const paths = invalid.body.error.details.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(["metadata.direction", "metadata.durationSeconds", "metadata.recordedAt"]);

    const notMultipart = await sendJson("POST", `${server.url}/api/calls/analyze`, { file: "x" });
    expect(notMultipart.status).toBe(400);

    expect(await countCalls()).toBe(callsBefore);
    expect(await countStored()).toBe(0);
  });

  it("413 payload_too_large beyond MAX_FILE_SIZE — nothing stored", async () => {
    const big = path.join(server.dataDir, "big.wav");
    const wav = await fs.readFile(fixture("audio", "tone.wav"));
    await fs.writeFile(big, Buffer.concat([wav, Buffer.alloc(300 * 1024)]));
    const response = await uploadFile(server.url, big);
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe("payload_too_large");
    expect(await countStored()).toBe(0);
  });

  it("415 unsupported_media_type when the bytes are not audio, whatever the name says", async () => {
    const liar = await uploadFile(server.url, fixture("audio", "liar.mp3"));
    expect(liar.status).toBe(415);
    expect(liar.body.error.code).toBe("unsupported_media_type");
    const png = path.join(server.dataDir, "image.wav");
    await fs.writeFile(png, Buffer.from("89504e470d0a1a0a0000000d49484452", "hex"));
    expect((await uploadFile(server.url, png)).status).toBe(415);
    expect(await countStored()).toBe(0);
  });

  it("the plain title part is used when the envelope has none", async () => {
    const response = await uploadFile(server.url, fixture("audio", "tone.wav"), { title: "From the title part" });
    expect(response.status).toBe(202);
    const detail = await getJson(`${server.url}/api/calls/${response.body.callId}`);
    expect(detail.body!.title).toBe("From the title part");
    await waitForTerminal(server.url, response.body.callId);
  });
});

describe("errors in the documented shape", () => {
  it("404 for an unknown route and an unknown call; 422 before completion", async () => {
    const route = await getJson(`${server.url}/api/nope`);
    expect(route).toMatchObject({ status: 404, body: { error: { code: "not_found" } } });
    const call = await getJson(`${server.url}/api/calls/00000000-0000-4000-8000-000000000000`);
    expect(call).toMatchObject({ status: 404, body: { error: { code: "call_not_found", message: "Call not found" } } });
    for (const sub of ["transcript", "analysis"]) {
      const r = await getJson(`${server.url}/api/calls/00000000-0000-4000-8000-000000000000/${sub}`);
      expect(r.status).toBe(404);
    }
  });

  it("serves health publicly and the OpenAPI document with every endpoint", async () => {
    expect(await getJson(`${server.url}/api/health`)).toMatchObject({
      status: 200,
      body: { status: "ok", version: "0.1.0" },
    });
    const doc = await getJson(`${server.url}/api/openapi.json`);
    const paths = doc.body!.paths as Record<string, Record<string, { responses: Record<string, unknown> }>>;
    expect(Object.keys(paths)).toEqual(
      expect.arrayContaining([
        "/calls/analyze",
        "/calls",
        "/calls/status",
        "/calls/{id}",
        "/calls/{id}/transcript",
        "/calls/{id}/analysis",
        "/health",
      ]),
    );
    expect(Object.keys(paths["/calls/analyze"]!.post!.responses)).toEqual(
      expect.arrayContaining(["202", "400", "401", "413", "415"]),
    );
    expect(Object.keys(paths["/calls/{id}"]!.delete!.responses)).toContain("204");
    const docs = await fetch(`${server.url}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain("swagger");
  });
});

describe("typed tRPC client and in-process caller", () => {
  it("reads a completed call through the typed tRPC client", async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const list = await client.calls.list.query({ limit: 1 });
    const callId = list.items[0]!.callId;
    const detail = await client.calls.get.query({ id: callId });
    expect(detail.status).toBe("COMPLETED");
    const transcript = await client.calls.transcript.query({ id: callId });
    expect(transcript.schemaVersion).toBe(2);
    const error = await client.calls.get.query({ id: "00000000-0000-4000-8000-000000000000" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<AppRouter>).data).toMatchObject({
      httpStatus: 404,
      error: { code: "call_not_found" },
    });
  });

  it("is importable and callable in-process with no HTTP server", async () => {
    const { createCaller, createInProcessContext } = await import("@scryon/api");
    const caller = createCaller(createInProcessContext(server.runtime.apiDeps));
    const health = await caller.health.check();
    expect(health.status).toBe("ok");
    const list = await caller.calls.list({ limit: 100 });
    expect(list.items.length).toBeGreaterThanOrEqual(5);
  });
});
