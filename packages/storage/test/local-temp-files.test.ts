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
