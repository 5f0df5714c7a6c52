import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { filesUnder, listAllCalls, upload, type HttpAnswer } from "./support/client";
import { fixtureRecording } from "./support/fake-openai";
import { makeDataDir, startServerProcess, type ServerProcess } from "./support/server";

/**
 * An upload the storage cannot take must fail loudly and leave nothing behind:
 * 503 in the SPEC error shape, no call row, no file. We run as root, so chmod
 * does not stop writes; the faults here are ones root cannot write through.
 */
const expectStorageUnavailable = (answer: HttpAnswer) => {
  expect(answer).toEqual({
    status: 503,
    body: { error: { code: "storage_unavailable", message: expect.any(String), ...(answer.body?.error?.details && { details: expect.anything() }) } },
  });
};

const recording = fixtureRecording("sales-follow-up");
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

describe("storage root below a regular file (ENOTDIR: nothing can be created there)", () => {
  let server: ServerProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await makeDataDir("enotdir");
    cleanups.push(() => fs.rm(dataDir, { recursive: true, force: true }));
    await fs.writeFile(path.join(dataDir, "not-a-directory"), "a file where a directory should be");
    server = await startServerProcess({ SCRYON_DATA_DIR: dataDir, OBJECT_STORAGE_LOCAL_PATH: path.join(dataDir, "not-a-directory", "storage") });
    cleanups.push(() => server.kill9());
  });

  it("answers 503 storage_unavailable and creates no call", async () => {
    expectStorageUnavailable(await upload(server.url, recording, { metadata: { title: "never stored" } }));
    expect(await listAllCalls(server.url)).toEqual([]);
  });
});

/** A tiny tmpfs for the storage root (needs CAP_SYS_ADMIN: root in CI; skipped where mounting is not allowed). */
function tryMountTmpfs(dir: string, size: string): boolean {
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("storage on a full or read-only file system", async () => {
  const dataDir = await makeDataDir("diskfull");
  const storageRoot = path.join(dataDir, "storage");
  await fs.mkdir(storageRoot);
  const mounted = tryMountTmpfs(storageRoot, "512k");
  cleanups.push(async () => {
    if (mounted) execFileSync("umount", ["-l", storageRoot], { stdio: "ignore" });
    await fs.rm(dataDir, { recursive: true, force: true });
  });
  let server: ServerProcess;

  beforeAll(async () => {
    if (!mounted) return;
    server = await startServerProcess({ SCRYON_DATA_DIR: dataDir, OBJECT_STORAGE_LOCAL_PATH: storageRoot });
    cleanups.push(() => server.kill9());
  });

  it.skipIf(!mounted)("a working storage accepts the upload (the control row)", async () => {
    const answer = await upload(server.url, recording, { metadata: { title: "fits" } });
    expect(answer.status).toBe(202);
    // No transcription is configured: the call fails fast and its audio is discarded.
    for (let i = 0; i < 100 && (await filesUnder(path.join(storageRoot, "users"))).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await filesUnder(path.join(storageRoot, "users"))).toEqual([]);
  });

  it.skipIf(!mounted)("disk full (ENOSPC mid-upload): 503 storage_unavailable, no row, no file", async () => {
    const before = await listAllCalls(server.url);
    // Leave less room than the recording needs, so the write fails part-way.
    const filler = path.join(storageRoot, "filler");
    const { size } = await fs.stat(recording);
    await fs.writeFile(filler, Buffer.alloc(512 * 1024 - size / 2)).catch(() => undefined);
    try {
      expectStorageUnavailable(await upload(server.url, recording, { metadata: { title: "disk full" } }));
      expect(await listAllCalls(server.url)).toEqual(before);
      expect((await filesUnder(storageRoot)).filter((f) => f !== "filler")).toEqual([]);
    } finally {
      await fs.rm(filler, { force: true });
    }
  });

  it.skipIf(!mounted)("read-only file system (EROFS): 503 storage_unavailable, no row", async () => {
    const before = await listAllCalls(server.url);
    execFileSync("mount", ["-o", "remount,ro", storageRoot]);
    try {
      expectStorageUnavailable(await upload(server.url, recording, { metadata: { title: "read-only" } }));
      expect(await listAllCalls(server.url)).toEqual(before);
    } finally {
      execFileSync("mount", ["-o", "remount,rw", storageRoot]);
    }
  });
});
