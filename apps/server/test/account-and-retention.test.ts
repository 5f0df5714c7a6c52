import { callPrefix } from "@scryon/storage";
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

/**
 * docs/contract.md § Retention and account deletion, in both modes: DELETE
 * /api/users/me and the retention sweeper leave no row and no object behind
 * (checked by listing the directory / bucket).
 */
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;
const DAY = 86_400_000;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "k",
    SCRYON_RETENTION_DAYS: "30",
  });
});
afterAll(async () => {
  await server?.close();
  await transcription?.close();
});

async function completedCall(): Promise<string> {
  const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), { metadata: { title: "t" } });
  expect(upload.status).toBe(202);
  expect(await waitForTerminal(server.url, upload.body.callId, {}, 60_000)).toBe("COMPLETED");
  return upload.body.callId as string;
}

const me = async () => (await getJson(`${server.url}/api/users/me`)).body!;

describe("DELETE /api/users/me", () => {
  it("removes every call, artifact, item, event, idempotency record and object, then the user; 204, idempotent", async () => {
    const userId = (await me()).id as string;
    const first = await completedCall();
    const second = await completedCall();
    const item = await sendJson(
      "POST",
      `${server.url}/api/calls/${first}/action-items`,
      { title: "Manual" },
      { "idempotency-key": "account-key" },
    );
    expect(item.status).toBe(201);
    expect(await server.runtime.store.idempotency.get(userId, "account-key")).not.toBeNull();
    expect((await listStoredObjects(server)).some((key) => key.startsWith(`users/${userId}/`))).toBe(true);

    // A crash halfway through an earlier attempt: one call's objects gone, its row still there.
    await server.runtime.storage.deletePrefix(callPrefix(userId, second));

    const response = await fetch(`${server.url}/api/users/me`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");

    expect((await listStoredObjects(server)).filter((key) => key.startsWith(`users/${userId}/`))).toEqual([]);
    const { store } = server.runtime;
    expect(await store.users.get(userId)).toBeNull();
    for (const callId of [first, second]) {
      expect(await store.calls.getById(callId)).toBeNull();
      expect(await store.artifacts.list(callId)).toEqual([]);
      expect(await store.events.list(callId)).toEqual([]);
      expect(await store.actionItems.listForCall(userId, callId)).toEqual([]);
    }
    expect(await store.idempotency.get(userId, "account-key")).toBeNull();

    // Again: nothing left to delete, still 204 (the request acts as a fresh, empty account).
    expect((await fetch(`${server.url}/api/users/me`, { method: "DELETE" })).status).toBe(204);
    expect((await getJson(`${server.url}/api/calls`)).body!.items).toEqual([]);
  });
});

describe("retention", () => {
  it("PATCH /api/users/me sets retentionDays; null falls back to SCRYON_RETENTION_DAYS", async () => {
    expect(await me()).toMatchObject({ retentionDays: null, effectiveRetentionDays: 30 });
    const set = await sendJson("PATCH", `${server.url}/api/users/me`, { retentionDays: 1 });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ retentionDays: 1, effectiveRetentionDays: 1 });
    const bad = await sendJson("PATCH", `${server.url}/api/users/me`, { retentionDays: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body!.error.code).toBe("validation_failed");
    expect((await sendJson("PATCH", `${server.url}/api/users/me`, { retentionDays: null })).body).toMatchObject({
      retentionDays: null,
      effectiveRetentionDays: 30,
    });
  });

  it("the sweeper hard-deletes expired calls exactly like DELETE, by the user's setting and by the default", async () => {
    const userId = (await me()).id as string;
    const callId = await completedCall();
    const { sweepers, store } = server.runtime;
    const objectsOfCall = async () =>
      (await listStoredObjects(server)).filter((key) => key.startsWith(callPrefix(userId, callId)));
    expect((await objectsOfCall()).length).toBeGreaterThan(0);

    // The default (30 days) keeps it two days on.
    expect(await sweepers.sweepRetention(new Date(Date.now() + 2 * DAY))).toBe(0);
    expect(await store.calls.getById(callId)).not.toBeNull();

    // The user's own setting (1 day) removes it.
    await sendJson("PATCH", `${server.url}/api/users/me`, { retentionDays: 1 });
    expect(await sweepers.sweepRetention(new Date(Date.now() + 2 * DAY))).toBe(1);
    expect(await store.calls.getById(callId)).toBeNull();
    expect(await store.artifacts.list(callId)).toEqual([]);
    expect(await store.events.list(callId)).toEqual([]);
    expect(await objectsOfCall()).toEqual([]);

    // Back on the default: a call survives 29 days and goes after 31.
    await sendJson("PATCH", `${server.url}/api/users/me`, { retentionDays: null });
    const next = await completedCall();
    expect(await sweepers.sweepRetention(new Date(Date.now() + 29 * DAY))).toBe(0);
    expect(await sweepers.sweepRetention(new Date(Date.now() + 31 * DAY))).toBe(1);
    expect(await store.calls.getById(next)).toBeNull();
    expect((await listStoredObjects(server)).filter((key) => key.startsWith(`users/${userId}/`))).toEqual([]);
  });
});
