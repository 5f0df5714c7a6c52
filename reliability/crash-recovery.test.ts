import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { filesUnder, getJson, listAllCalls, upload, waitAllTerminal } from "./support/client";
import { type FakeOpenAi, FIXTURE_CALLS, fixtureRecording, startFakeOpenAi } from "./support/fake-openai";
import { profile, randomInt, sleep } from "./support/profile";
import { makeDataDir, type ServerProcess, startServerProcess } from "./support/server";

const ORPHAN_GRACE_SECONDS = 4;

let dataDir: string;
let fake: FakeOpenAi;
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill9();
  await fake?.close();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

it(`every call ends COMPLETED exactly once after ${profile.crashKills} kill -9s during ${profile.crashCalls} pipelines`, async () => {
  dataDir = await makeDataDir("crash");
  fake = await startFakeOpenAi({ delayMs: [50, 800] });
  const env = {
    SCRYON_DATA_DIR: dataDir,
    TRANSCRIPTION_BASE_URL: fake.baseURL,
    TRANSCRIPTION_API_KEY: "sk-reliability",
    SCRYON_JOB_LEASE_SECONDS: "1",
    SCRYON_WORKER_CONCURRENCY: "2",
    SCRYON_SWEEP_INTERVAL_SECONDS: "1",
    SCRYON_ORPHAN_GRACE_SECONDS: String(ORPHAN_GRACE_SECONDS),
    // A job whose worker dies mid-run counts that as a failed attempt (a poison job
    // that crashes the process must not loop forever). Expired jobs go back to the
    // head of the queue, so the same calls are in flight at every kill; after the
    // retry limit their jobs are dead and the stale-call sweeper re-queues the call.
    // Its default wait is 15 min; 30 s lets the test see that recovery.
    SCRYON_STALE_JOB_TIMEOUT_MINUTES: "0.5",
  };
  server = await startServerProcess(env);

  // Uploads keep going across crashes: one that dies with the server is retried
  // with the same Idempotency-Key, as a well-behaved client would.
  const pending = Array.from({ length: profile.crashCalls }, (_, i) => ({
    index: i,
    key: randomUUID(),
    file: fixtureRecording(FIXTURE_CALLS[i % FIXTURE_CALLS.length]!),
  }));
  const accepted = new Map<number, string>();
  const refusals: Array<{ status: number; code: unknown }> = [];
  let retriedUploads = 0;
  let uploadsDone = false;
  const uploader = (async () => {
    const worker = async () => {
      for (let next = pending.shift(); next; next = pending.shift()) {
        await sleep(randomInt(0, 400));
        const answer = await upload(server!.url, next.file, {
          idempotencyKey: next.key,
          metadata: { title: `crash ${next.index}`, direction: "OUTGOING", contactName: "Ravi Kumar" },
        }).catch(() => null);
        if (answer?.status === 202) {
          const previous = accepted.get(next.index);
          expect(
            previous === undefined || previous === answer.body.callId,
            "a replayed key returns the same call",
          ).toBe(true);
          accepted.set(next.index, answer.body.callId);
        } else {
          // Connection refused or reset: the server is down; try again after the restart.
          if (answer) refusals.push({ status: answer.status, code: answer.body?.error?.code });
          retriedUploads++;
          pending.push(next);
          await sleep(300);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    uploadsDone = true;
  })();

  const killedAt: string[] = [];
  for (let kill = 0; kill < profile.crashKills; kill++) {
    await sleep(randomInt(400, 2500));
    const states = await listAllCalls(server.url).then(
      (calls) =>
        calls.reduce<Record<string, number>>((acc, c) => {
          acc[c.status] = (acc[c.status] ?? 0) + 1;
          return acc;
        }, {}),
      () => ({}),
    );
    killedAt.push(JSON.stringify(states));
    await server.kill9();
    await sleep(randomInt(0, 500));
    server = await startServerProcess(env);
  }
  await uploader;
  expect(uploadsDone).toBe(true);
  const ids = [...accepted.values()];
  expect(ids).toHaveLength(profile.crashCalls);

  const final = await waitAllTerminal(server.url, ids, 120_000);
  const listed = await listAllCalls(server.url);
  const listedIds = new Set(listed.map((c) => c.callId));
  for (const id of ids) expect(listedIds.has(id), `accepted call ${id} is listed`).toBe(true);
  // Idempotency across crashes: no call was created twice for one upload.
  expect(listed.length).toBe(profile.crashCalls);
  for (const call of listed) {
    const detail = await getJson(`${server.url}/api/calls/${call.callId}`);
    expect({ id: call.callId, status: detail.body.status, errorReason: detail.body.errorReason }).toEqual({
      id: call.callId,
      status: "COMPLETED",
      errorReason: null,
    });
  }
  expect([...final.values()].every((s) => s === "COMPLETED")).toBe(true);

  // No duplicate action items: the AI items are exactly the analysis' items, once each.
  let totalItems = 0;
  for (const id of ids) {
    const items = (await getJson(`${server.url}/api/calls/${id}/action-items`)).body.items as Array<{
      title: string;
      source: string;
    }>;
    const analysis = (await getJson(`${server.url}/api/calls/${id}/analysis`)).body;
    const aiItems = items.filter((item) => item.source === "AI");
    expect(aiItems.length, `call ${id} has action items`).toBeGreaterThan(0);
    expect(aiItems.length).toBe(analysis.actionItems.length);
    expect(new Set(aiItems.map((item) => item.title)).size).toBe(aiItems.length);
    totalItems += aiItems.length;
  }

  // One analysis artifact per call, and no raw audio left for terminal calls: it is deleted just after
  // the COMPLETED transition (or by the job redelivered after a kill in between), so wait for it.
  const storageRoot = path.join(dataDir, "storage");
  const userObjects = async () => (await filesUnder(storageRoot)).filter((f) => f.startsWith("users/"));
  await expect
    .poll(async () => (await userObjects()).filter((f) => f.includes("/temp/")), { timeout: 60_000 })
    .toEqual([]);
  const objectsBefore = await userObjects();
  for (const id of ids) {
    expect(objectsBefore.filter((f) => f.includes(`/calls/${id}/analysis/`))).toHaveLength(1);
    expect(objectsBefore.filter((f) => f.includes(`/calls/${id}/temp/`))).toHaveLength(0);
  }

  // The orphan sweeper: plant the objects of a call that does not exist (as a
  // crash between storing an upload and inserting its row leaves behind), old
  // enough to be past the grace period, then let the sweeper run.
  const userDir = objectsBefore[0]!.split("/").slice(0, 2).join("/");
  const orphanDir = path.join(storageRoot, userDir, "calls", randomUUID());
  await fs.mkdir(path.join(orphanDir, "temp"), { recursive: true });
  await fs.writeFile(path.join(orphanDir, "temp", "audio-upload.m4a"), "orphan");
  const old = new Date(Date.now() - 3_600_000);
  await fs.utimes(path.join(orphanDir, "temp", "audio-upload.m4a"), old, old);
  await sleep((ORPHAN_GRACE_SECONDS + 3) * 1000);
  const objectsAfter = (await filesUnder(storageRoot)).filter((f) => f.startsWith("users/"));
  const strangers = objectsAfter.filter((f) => !listedIds.has(f.split("/")[3]!));
  expect(strangers).toEqual([]);
  const leftoverParts = (await filesUnder(path.join(storageRoot, ".tmp"))).length;

  expect(await server.stop()).toBe(0);
  console.log(
    [
      `crash recovery (${profile.name}): ${profile.crashCalls} calls, ${profile.crashKills} kill -9s, ${retriedUploads} uploads retried after a crash`,
      `  refusals while retrying: ${JSON.stringify(refusals)}`,
      `  call states at each kill: ${killedAt.join(" | ")}`,
      `  all COMPLETED, ${totalItems} AI action items, none duplicated; ${objectsBefore.length} objects before the sweep, ${objectsAfter.length} after`,
      `  transcription requests: ${fake.counts.transcription} for ${profile.crashCalls} calls; unfinished write parts left in .tmp: ${leftoverParts}`,
    ].join("\n"),
  );
});
