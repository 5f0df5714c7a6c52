import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { filesUnder, type HttpAnswer, listAllCalls, upload } from "./support/client";
import { fixtureRecording } from "./support/fake-openai";
import { makeDataDir, type ServerProcess, startServerProcess } from "./support/server";

/**
 * An upload the storage cannot take must fail loudly and leave nothing behind:
 * 503 in the documented error shape, no call row, no file. We run as root, so chmod
 * does not stop writes; the faults here are ones root cannot write through.
 */
const expectStorageUnavailable = (answer: HttpAnswer) => {
  expect(answer).toEqual({
    status: 503,
    body: {
      error: {
        code: "storage_unavailable",
        message: expect.any(String),
        ...(answer.body?.error?.details && { details: expect.anything() }),
      },
    },
  });
};

const recording = fixtureRecording("sales-follow-up");
let dataDir: string;
let storageRoot: string;
let mounted = false;
/** Whether this machine lets us mount a tmpfs, decided once while collecting the tests. */
let probe: boolean | undefined;
let server: ServerProcess;

/** A tiny tmpfs for the storage root (needs CAP_SYS_ADMIN: root in CI); the disk-full and read-only rows are skipped without it. */
function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  dataDir = await makeDataDir("storage");
  storageRoot = path.join(dataDir, "storage");
  await fs.mkdir(storageRoot);
  mounted = tryMountTmpfs(storageRoot, "512k");
  server = await startServerProcess({ SCRYON_DATA_DIR: dataDir, OBJECT_STORAGE_LOCAL_PATH: storageRoot });
});
afterAll(async () => {
  await server?.kill9();
  if (mounted) execFileSync("umount", ["-l", storageRoot], { stdio: "ignore" });
  await fs.rm(dataDir, { recursive: true, force: true });
});

/** Uploads under a fault and checks that nothing was kept: no new call, no object. */
async function uploadExpectingNothingKept(title: string) {
  const before = await listAllCalls(server.url);
  expectStorageUnavailable(await upload(server.url, recording, { metadata: { title } }));
  expect(await listAllCalls(server.url)).toEqual(before);
  expect(await filesUnder(path.join(storageRoot, "users"))).toEqual([]);
  expect(await filesUnder(path.join(storageRoot, ".tmp"))).toEqual([]);
}

it("a working storage accepts the upload (the control row)", async () => {
  const answer = await upload(server.url, recording, { metadata: { title: "fits" } });
  expect(answer.status).toBe(202);
  // No transcription is configured: the call fails fast and its audio is discarded.
  for (let i = 0; i < 100 && (await filesUnder(path.join(storageRoot, "users"))).length > 0; i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(await filesUnder(path.join(storageRoot, "users"))).toEqual([]);
});

it("a regular file where the storage tree should be (ENOTDIR): 503 storage_unavailable, no row, no file", async () => {
  const users = path.join(storageRoot, "users");
  await fs.rm(users, { recursive: true, force: true });
  await fs.writeFile(users, "a file where a directory should be");
  try {
    const before = await listAllCalls(server.url);
    expectStorageUnavailable(await upload(server.url, recording, { metadata: { title: "enotdir" } }));
    expect(await listAllCalls(server.url)).toEqual(before);
    expect(await filesUnder(path.join(storageRoot, ".tmp"))).toEqual([]);
  } finally {
    await fs.rm(users, { force: true });
  }
});

it.skipIf(!tryMountTmpfsProbe())(
  "disk full (ENOSPC mid-upload): 503 storage_unavailable, no row, no file",
  async () => {
    // Leave less room than the recording needs, so the write fails part-way.
    const filler = path.join(storageRoot, "filler");
    const { size } = await fs.stat(recording);
    await fs.writeFile(filler, Buffer.alloc(512 * 1024 - size / 2)).catch(() => undefined);
    try {
      await uploadExpectingNothingKept("disk full");
    } finally {
      await fs.rm(filler, { force: true });
    }
  },
);

it.skipIf(!tryMountTmpfsProbe())(
  "read-only file system (EROFS): 503 storage_unavailable, no row, no file",
  async () => {
    execFileSync("mount", ["-o", "remount,ro", storageRoot]);
    try {
      await uploadExpectingNothingKept("read-only");
    } finally {
      execFileSync("mount", ["-o", "remount,rw", storageRoot]);
    }
  },
);

function tryMountTmpfsProbe(): boolean {
  return (probe ??= (() => {
    const dir = path.join(process.env.TMPDIR ?? "/tmp", `scryon-reliability-probe-${process.pid}`);
    try {
      execFileSync("mkdir", ["-p", dir]);
      if (!tryMountTmpfs(dir, "64k")) return false;
      execFileSync("umount", [dir]);
      return true;
    } finally {
      execFileSync("rmdir", [dir]);
    }
  })());
}
