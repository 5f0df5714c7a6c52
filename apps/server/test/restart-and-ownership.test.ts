import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  listStoredObjects,
  sendJson,
  startFakeTranscriptionServer,
  startFirebaseKeys,
  startServerProcess,
  startTestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

describe("restart with calls in flight (kill -9)", () => {
  let dataDir: string;
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-restart-"));
    transcription = await startFakeTranscriptionServer();
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await transcription.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it("completes every call after the process is killed mid-transcription and started again", async () => {
    const hold: Array<() => void> = [];
    const verbose = JSON.parse(await fs.readFile(fixture("audio", "sample.verbose.json"), "utf8"));
    // The first process's provider calls never answer: the kill lands mid-transcription.
    let holding = true;
    transcription.answerWith(
      () =>
        new Promise((resolve) => {
          if (!holding) return resolve({ status: 200, body: verbose });
          hold.push(() => resolve({ status: 500, body: { error: { message: "gone" } } }));
        }),
    );
    const env = {
      SCRYON_DATA_DIR: dataDir,
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
      SCRYON_JOB_LEASE_SECONDS: "1",
      SCRYON_WORKER_CONCURRENCY: "2",
    };
    const first = await startServerProcess(env);
    children.push(first.child);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const upload = await uploadFile(first.url, fixture("audio", "tone.wav"), { metadata: { title: `call ${i}` } });
      expect(upload.status).toBe(202);
      ids.push(upload.body.callId);
    }
    // Two are in flight at the provider (concurrency 2), one still queued.
    for (let i = 0; i < 100 && hold.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hold.length).toBe(2);
    const before = await getJson(`${first.url}/api/calls/status?ids=${ids.join(",")}`);
    expect(before.body!.items.map((i: { status: string }) => i.status).sort()).toEqual([
      "QUEUED",
      "TRANSCRIBING",
      "TRANSCRIBING",
    ]);

    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));
    holding = false;
    for (const release of hold) release();

    const second = await startServerProcess(env);
    children.push(second.child);
    for (const id of ids) expect(await waitForTerminal(second.url, id, {}, 30_000)).toBe("COMPLETED");
    second.child.kill("SIGTERM");
    const code = await new Promise((resolve) => second.child.once("exit", resolve));
    expect(code).toBe(0); // graceful shutdown
  }, 90_000);
});

describe("ownership: another user's calls do not exist for you", () => {
  let keys: Awaited<ReturnType<typeof startFirebaseKeys>>;
  let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let alice: Record<string, string>;
  let bob: Record<string, string>;
  let aliceCall: string;

  beforeAll(async () => {
    keys = await startFirebaseKeys();
    transcription = await startFakeTranscriptionServer();
    server = await startTestServer({
      FIREBASE_PROJECT_ID: keys.projectId,
      FIREBASE_JWKS_URL: keys.jwksUrl,
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
    });
    alice = { authorization: `Bearer ${await keys.token("alice-uid", { email: "alice@example.com", name: "Alice" })}` };
    bob = { authorization: `Bearer ${await keys.token("bob-uid")}` };
    const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), {
      headers: alice,
      metadata: { title: "Alice's call" },
    });
    expect(upload.status).toBe(202);
    aliceCall = upload.body.callId;
    expect(await waitForTerminal(server.url, aliceCall, alice)).toBe("COMPLETED");
  });
  afterAll(async () => {
    await server.close();
    await transcription.close();
    await keys.close();
  });

  it("requires a valid token (401 auth_missing / auth_invalid) but not for health", async () => {
    expect((await getJson(`${server.url}/api/calls`)).body!.error.code).toBe("auth_missing");
    expect((await getJson(`${server.url}/api/calls`, { authorization: "Bearer garbage" })).body!.error.code).toBe(
      "auth_invalid",
    );
    const noAuthUpload = await uploadFile(server.url, fixture("audio", "tone.wav"));
    expect(noAuthUpload).toMatchObject({ status: 401, body: { error: { code: "auth_missing" } } });
    expect((await getJson(`${server.url}/api/health`)).status).toBe(200);
  });

  it("gives Bob 404 for everything of Alice's, exactly like a missing call", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    for (const sub of ["", "/transcript", "/analysis", "/action-items", "/processing"]) {
      const foreign = await getJson(`${server.url}/api/calls/${aliceCall}${sub}`, bob);
      const absent = await getJson(`${server.url}/api/calls/${missing}${sub}`, bob);
      expect(foreign.status).toBe(404);
      expect(foreign.body).toEqual(absent.body);
    }
    expect((await getJson(`${server.url}/api/calls`, bob)).body!.items).toEqual([]);
    expect((await getJson(`${server.url}/api/calls/status?ids=${aliceCall}`, bob)).body!.items).toEqual([]);
    expect((await sendJson("PATCH", `${server.url}/api/calls/${aliceCall}`, { title: "mine now" }, bob)).status).toBe(
      404,
    );
    expect((await sendJson("DELETE", `${server.url}/api/calls/${aliceCall}`, undefined, bob)).status).toBe(404);
    expect((await sendJson("DELETE", `${server.url}/api/calls`, { callIds: [aliceCall] }, bob)).body).toEqual({
      deleted: 0,
      missing: 1,
      failed: [],
    });
    expect(
      (await sendJson("POST", `${server.url}/api/calls/${aliceCall}/action-items`, { title: "x" }, bob)).status,
    ).toBe(404);
    // Still Alice's, untouched.
    const detail = await getJson(`${server.url}/api/calls/${aliceCall}`, alice);
    expect(detail.body).toMatchObject({ title: "Alice's call", status: "COMPLETED" });
    expect((await getJson(`${server.url}/api/users/me`, alice)).body).toMatchObject({
      email: "alice@example.com",
      displayName: "Alice",
    });
  });

  it("Bob deleting his account leaves Alice's call, rows and objects alone", async () => {
    const aliceObjects = (await listStoredObjects(server)).filter((key) => key.includes(aliceCall));
    expect(aliceObjects.length).toBeGreaterThan(0);
    expect((await sendJson("DELETE", `${server.url}/api/users/me`, undefined, bob)).status).toBe(204);
    expect((await getJson(`${server.url}/api/calls/${aliceCall}`, alice)).status).toBe(200);
    expect((await listStoredObjects(server)).filter((key) => key.includes(aliceCall))).toEqual(aliceObjects);
  });
});
