import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { createLocalStorage } from "../src";

it("clears partial writes a killed process left behind, but not recent ones", async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-local-tmp-"));
  try {
    const tmp = path.join(root, ".tmp");
    await fs.mkdir(tmp, { recursive: true });
    const old = path.join(tmp, "old.part");
    const fresh = path.join(tmp, "fresh.part");
    await fs.writeFile(old, "half");
    await fs.writeFile(fresh, "in progress");
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    await fs.utimes(old, twoHoursAgo, twoHoursAgo);
    createLocalStorage({ root });
    await expect
      .poll(() =>
        fs.access(old).then(
          () => true,
          () => false,
        ),
      )
      .toBe(false);
    expect(await fs.readFile(fresh, "utf8")).toBe("in progress");
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});

it("removes a folder with its last file, up to (not including) the root", async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-local-prune-"));
  const exists = (p: string) =>
    fs.access(path.join(root, p)).then(
      () => true,
      () => false,
    );
  try {
    const storage = createLocalStorage({ root });
    await storage.put("users/u1/calls/c1/temp/audio-a.wav", "raw", { contentType: "application/octet-stream" });
    await storage.put("users/u1/calls/c1/analysis/analysis.json", "{}", { contentType: "application/octet-stream" });
    await storage.put("users/u1/calls/c2/temp/audio-b.wav", "raw", { contentType: "application/octet-stream" });

    await storage.delete("users/u1/calls/c1/temp/audio-a.wav");
    expect(await exists("users/u1/calls/c1/temp")).toBe(false);
    expect(await exists("users/u1/calls/c1/analysis/analysis.json")).toBe(true);

    await storage.delete("users/u1/calls/c1/analysis/analysis.json");
    expect(await exists("users/u1/calls/c1")).toBe(false);
    expect(await exists("users/u1/calls/c2/temp/audio-b.wav")).toBe(true);

    await storage.delete("users/u1/calls/c2/temp/audio-b.wav");
    expect(await exists("users")).toBe(false);
    expect(await exists("")).toBe(true);
    // And writing into a pruned folder works again.
    await storage.put("users/u1/calls/c1/temp/audio-c.wav", "raw", { contentType: "application/octet-stream" });
    expect(await storage.exists("users/u1/calls/c1/temp/audio-c.wav")).toBe(true);
  } finally {
    await fs.rm(root, { recursive: true, force: true });
  }
});
