import { execFile } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixture, REPO_ROOT, startFakeTranscriptionServer, startTestServer, type TestServer } from "./harness";

/**
 * The published REST document cannot drift from the server: types are generated
 * from the running server's /api/openapi.json, a small client written against
 * them must typecheck, and the same client (openapi-fetch) then calls every
 * documented endpoint of that server.
 */

let server: TestServer;
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let workDir: string;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
  workDir = await fs.mkdtemp(path.join(REPO_ROOT, "apps", "server", "test", ".rest-client-"));
});

afterAll(async () => {
  await server?.close();
  await transcription?.close();
  if (workDir) await fs.rm(workDir, { recursive: true, force: true });
});

/** The client, as an application would write it: it only compiles if the document describes these calls. */
const CLIENT = `
import createClient from "openapi-fetch";
import type { paths } from "./api";

export async function exercise(baseUrl: string, audio: Blob) {
  const api = createClient<paths>({ baseUrl: baseUrl + "/api" });
  const health = await api.GET("/health");
  const version: string | undefined = health.data?.version;

  // Multipart the openapi-fetch way: the typed body, turned into FormData (the binary part is the Blob).
  const accepted = await api.POST("/calls/analyze", {
    body: { file: "call.wav", metadata: { title: "REST client", contactName: "Ravi Kumar" } },
    bodySerializer: (body) => {
      const form = new FormData();
      form.append("metadata", JSON.stringify(body.metadata));
      form.append("file", audio, body.file);
      return form;
    },
  });
  const callId: string = accepted.data!.callId;

  let status = "QUEUED";
  for (let i = 0; i < 600 && status !== "COMPLETED" && status !== "FAILED"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const poll = await api.GET("/calls/status", { params: { query: { ids: callId } } });
    status = poll.data?.items[0]?.status ?? status;
  }

  const list = await api.GET("/calls", { params: { query: { limit: 10 } } });
  const detail = await api.GET("/calls/{id}", { params: { path: { id: callId } } });
  const patched = await api.PATCH("/calls/{id}", { params: { path: { id: callId } }, body: { notes: "called back" } });
  const transcript = await api.GET("/calls/{id}/transcript", { params: { path: { id: callId } } });
  const srt = await api.GET("/calls/{id}/transcript", { params: { path: { id: callId }, query: { format: "srt" } }, parseAs: "text" });
  const analysis = await api.GET("/calls/{id}/analysis", { params: { path: { id: callId } } });
  const digest = await api.GET("/calls/{id}/digest", { params: { path: { id: callId }, query: { format: "markdown" } }, parseAs: "text" });
  const processing = await api.GET("/calls/{id}/processing", { params: { path: { id: callId } } });
  const firstSpeaker = typeof transcript.data === "object" && transcript.data.schemaVersion === 2 ? transcript.data.speakers[0]?.speakerId : undefined;
  const corrected = await api.PATCH("/calls/{id}/speakers/{speakerId}", { params: { path: { id: callId, speakerId: firstSpeaker ?? "spk_1" }, query: { reanalyze: "true" } }, body: { displayName: "Asha" } });
  const searched = await api.GET("/search", { params: { query: { q: "test record*", limit: 5 } } });
  const reanalyzed = await api.POST("/calls/{id}/reanalyze", { params: { path: { id: callId } } });
  // A COMPLETED call has nothing to retry: 409 with the reason, in the documented error shape.
  const retried = await api.POST("/calls/{id}/retry", { params: { path: { id: callId } } });
  const items = await api.GET("/calls/{id}/action-items", { params: { path: { id: callId } } });
  const created = await api.POST("/calls/{id}/action-items", { params: { path: { id: callId } }, body: { title: "Send the proposal", dueDate: "2026-06-01" } });
  const itemId: string = created.data!.id;
  const allActions = await api.GET("/actions", { params: { query: { limit: 5 } } });
  const statusPatch = await api.PATCH("/actions/{id}", { params: { path: { id: itemId } }, body: { status: "DONE" } });
  const replaced = await api.PUT("/action-items/{id}", { params: { path: { id: itemId } }, body: { title: "Send the revised proposal", description: null, dueDate: null, status: "OPEN", priority: "HIGH" } });
  const removedItem = await api.DELETE("/action-items/{id}", { params: { path: { id: itemId } } });
  const me = await api.GET("/users/me");
  const renamed = await api.PATCH("/users/me", { body: { displayName: "Asha" } });
  // The call's contact (grouped by its contactName), its detail with the call, and a rename.
  const contactId: string = detail.data!.contactId!;
  const contacts = await api.GET("/contacts", { params: { query: { limit: 5 } } });
  const contact = await api.GET("/contacts/{id}", { params: { path: { id: contactId } } });
  const contactRenamed = await api.PATCH("/contacts/{id}", { params: { path: { id: contactId } }, body: { displayName: "Ravi K." } });
  // A webhook pointed at a route that answers POST with 404: its test delivery fails at once (no retry on 4xx).
  const hook = await api.POST("/webhooks", { body: { url: baseUrl + "/api/health", events: ["call.completed"], description: "CRM" } });
  const hookId: string = hook.data!.id;
  const hooks = await api.GET("/webhooks", { params: { query: { limit: 5 } } });
  const hookRead = await api.GET("/webhooks/{id}", { params: { path: { id: hookId } } });
  const hookPatched = await api.PATCH("/webhooks/{id}", { params: { path: { id: hookId } }, body: { events: ["call.completed", "call.failed"] } });
  const rotated = await api.POST("/webhooks/{id}/rotate-secret", { params: { path: { id: hookId } } });
  const tested = await api.POST("/webhooks/{id}/test", { params: { path: { id: hookId } } });
  let deliveryStatus = "PENDING";
  let hookDeliveries = await api.GET("/webhooks/{id}/deliveries", { params: { path: { id: hookId } } });
  for (let i = 0; i < 600 && deliveryStatus === "PENDING"; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    hookDeliveries = await api.GET("/webhooks/{id}/deliveries", { params: { path: { id: hookId } } });
    deliveryStatus = hookDeliveries.data?.items[0]?.status ?? deliveryStatus;
  }
  const redelivered = await api.POST("/webhooks/{id}/deliveries/{deliveryId}/redeliver", { params: { path: { id: hookId, deliveryId: tested.data!.id } } });
  const hookRemoved = await api.DELETE("/webhooks/{id}", { params: { path: { id: hookId } } });
  const retention = await api.PATCH("/users/me", { body: { retentionDays: 30 } });
  const missing = await api.GET("/calls/{id}", { params: { path: { id: "00000000-0000-4000-8000-000000000000" } } });
  const bulk = await api.DELETE("/calls", { body: { callIds: ["00000000-0000-4000-8000-000000000000"] } });
  const removed = await api.DELETE("/calls/{id}", { params: { path: { id: callId } } });
  const account = await api.DELETE("/users/me");

  // The route also answers text/plain and SRT/VTT (content negotiation): narrow to the JSON document, then its version.
  const json = typeof transcript.data === "object" ? transcript.data : undefined;
  const currentTranscript = json?.schemaVersion === 2 ? json : undefined;

  return {
    version, callId, status,
    statuses: {
      health: health.response.status, accepted: accepted.response.status, list: list.response.status, detail: detail.response.status,
      patched: patched.response.status, transcript: transcript.response.status, srt: srt.response.status, analysis: analysis.response.status,
      digest: digest.response.status, corrected: corrected.response.status, reanalyzed: reanalyzed.response.status, retried: retried.response.status, items: items.response.status, created: created.response.status,
      allActions: allActions.response.status, statusPatch: statusPatch.response.status, replaced: replaced.response.status,
      removedItem: removedItem.response.status, me: me.response.status, renamed: renamed.response.status, missing: missing.response.status,
      hook: hook.response.status, hooks: hooks.response.status, hookRead: hookRead.response.status, hookPatched: hookPatched.response.status,
      rotated: rotated.response.status, tested: tested.response.status, hookDeliveries: hookDeliveries.response.status,
      redelivered: redelivered.response.status, hookRemoved: hookRemoved.response.status,
      bulk: bulk.response.status, removed: removed.response.status,
      processing: processing.response.status, retention: retention.response.status, account: account.response.status,
      contacts: contacts.response.status, contact: contact.response.status, contactRenamed: contactRenamed.response.status,
      searched: searched.response.status,
    },
    contactCalls: contact.data?.calls.map((call) => call.callId) ?? [],
    contactName: contactRenamed.data?.displayName,
    searchHit: searched.data?.items[0],
    egressHosts: processing.data?.egress.map((entry) => entry.host) ?? [],
    retentionDays: retention.data?.retentionDays,
    listed: list.data?.items.map((item) => item.callId) ?? [],
    notes: patched.data?.notes,
    segments: currentTranscript ? currentTranscript.segments.length : 0,
    firstText: currentTranscript?.segments[0]?.text,
    summary: analysis.data?.schemaVersion === 3 ? analysis.data.shortSummary : undefined,
    srt: srt.data ?? "",
    digest: digest.data ?? "",
    correctedSpeaker: corrected.data?.speakers[0],
    reanalyzedWithCorrection: corrected.data?.reanalyzed,
    itemStatus: statusPatch.data?.status,
    itemTitle: replaced.data?.title,
    userName: renamed.data?.displayName,
    missingCode: missing.error?.error.code,
    retryReason: retried.error?.error.details?.reason,
    bulk: bulk.data,
    secret: hook.data?.secret,
    hookEvents: hookPatched.data?.events,
    delivery: hookDeliveries.data?.items[0],
  };
}
`;

const run = (command: string, args: string[], cwd: string) =>
  new Promise<{ code: number; output: string }>((resolve) =>
    execFile(command, args, { cwd, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr }),
    ),
  );

it("generates types from /api/openapi.json, typechecks a client against them, and calls every endpoint", async () => {
  const document = await (await fetch(`${server.url}/api/openapi.json`)).text();
  const types = astToString(await openapiTS(document));
  await fs.writeFile(path.join(workDir, "api.d.ts"), types);
  await fs.writeFile(path.join(workDir, "client.ts"), CLIENT);
  await fs.writeFile(
    path.join(workDir, "tsconfig.json"),
    JSON.stringify({
      extends: "../../../../tsconfig.base.json",
      compilerOptions: { noEmit: true },
      include: ["api.d.ts", "client.ts"],
    }),
  );

  const tsc = await run(
    process.execPath,
    [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", workDir],
    workDir,
  );
  expect(tsc.output).toBe("");
  expect(tsc.code).toBe(0);

  const { exercise } = (await import(path.join(workDir, "client.ts"))) as {
    exercise: (baseUrl: string, audio: Blob) => Promise<any>;
  };
  const result = await exercise(server.url, new Blob([await fs.readFile(fixture("audio", "tone.wav"))]));

  expect(result.status).toBe("COMPLETED");
  expect(result.statuses).toEqual({
    health: 200,
    accepted: 202,
    list: 200,
    detail: 200,
    patched: 200,
    transcript: 200,
    srt: 200,
    analysis: 200,
    digest: 200,
    corrected: 200,
    reanalyzed: 200,
    retried: 409,
    items: 200,
    created: 201,
    allActions: 200,
    statusPatch: 200,
    replaced: 200,
    removedItem: 204,
    me: 200,
    renamed: 200,
    missing: 404,
    bulk: 200,
    removed: 204,
    hook: 201,
    hooks: 200,
    hookRead: 200,
    hookPatched: 200,
    rotated: 200,
    tested: 202,
    hookDeliveries: 200,
    redelivered: 202,
    hookRemoved: 204,
    processing: 200,
    retention: 200,
    account: 204,
    contacts: 200,
    contact: 200,
    contactRenamed: 200,
    searched: 200,
  });
  expect(result.contactCalls).toEqual([result.callId]);
  expect(result.contactName).toBe("Ravi K.");
  expect(result.searchHit).toMatchObject({
    callId: result.callId,
    kind: "transcript",
    startSeconds: expect.any(Number),
  });
  expect(result.searchHit.snippet).toContain("<mark>test</mark> <mark>recording</mark>");
  expect(result.secret).toMatch(/^whsec_/);
  expect(result.hookEvents).toEqual(["call.completed", "call.failed"]);
  expect(result.delivery).toMatchObject({ status: "FAILED", attempts: 1, failureReason: "client_error" });
  expect(result.egressHosts).toEqual([new URL(transcription.baseURL).host]);
  expect(result.retentionDays).toBe(30);
  expect(result.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(result.listed).toContain(result.callId);
  expect(result.notes).toBe("called back");
  expect(result.segments).toBeGreaterThan(0);
  expect(result.firstText).toEqual(expect.any(String));
  expect(result.summary).toEqual(expect.any(String));
  expect(result.srt).toMatch(/^1\n00:00:00,500 --> 00:00:03,590\n/);
  expect(result.digest).toMatch(/^\*\*REST client\*\*\nRavi Kumar/);
  expect(result.correctedSpeaker).toMatchObject({ displayName: "Asha", label: "Asha", labelSource: "USER_CORRECTION" });
  expect(result.reanalyzedWithCorrection).toBe(true);
  expect(result.itemStatus).toBe("DONE");
  expect(result.itemTitle).toBe("Send the revised proposal");
  expect(result.userName).toBe("Asha");
  expect(result.missingCode).toBe("call_not_found");
  expect(result.retryReason).toBe("call_completed");
  expect(result.bulk).toEqual({ deleted: 0, missing: 1, failed: [] });
}, 120_000);

it("documents every served REST operation the client above exercises", async () => {
  const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations = Object.entries(document.paths).flatMap(([route, methods]) =>
    Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`),
  );
  const exercised = [...CLIENT.matchAll(/api\.(GET|POST|PATCH|PUT|DELETE)\("([^"]+)"/g)].map(
    (match) => `${match[1]} ${match[2]}`,
  );
  expect(new Set(exercised)).toEqual(new Set(operations));
});
