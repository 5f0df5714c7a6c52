import { randomUUID } from "node:crypto";
import { createWriteStream, type Dirent } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ObjectNotFoundError, type ObjectStorage, StorageError, type StoredObject } from "./object-storage";

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;

/**
 * Artifacts as files under one root. Writes go to a temporary file in the same
 * directory and are renamed into place, so a crash never leaves half an object
 * under its real key.
 */
export function createLocalStorage(options: { root: string }): ObjectStorage {
  const root = path.resolve(options.root);
  const tmpDir = path.join(root, ".tmp");

  const resolveKey = (key: string): string => {
    if (!SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === ".."))
      throw new Error("invalid object key");
    return path.join(root, key);
  };
  const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

  async function* walk(dir: string): AsyncGenerator<string> {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (full !== tmpDir) yield* walk(full);
      } else if (entry.isFile()) yield full;
    }
  }

  /**
   * Directories go with their last file (a call's `temp/` once its raw audio is
   * deleted), up to the root: an empty folder per call must not accumulate.
   * rmdir removes only empty directories, so a concurrent write's folder survives.
   */
  async function pruneEmptyParents(file: string): Promise<void> {
    for (let dir = path.dirname(file); dir.startsWith(root + path.sep) && dir !== tmpDir; dir = path.dirname(dir)) {
      try {
        await fs.rmdir(dir);
      } catch {
        return; // not empty (or already gone): stop climbing
      }
    }
  }

  // A process killed mid-write leaves its `.part` file behind; clear old ones
  // (an hour is far beyond any write still in progress, even from another process).
  void (async () => {
    const cutoff = Date.now() - 3_600_000;
    for (const name of await fs.readdir(tmpDir).catch(() => [] as string[])) {
      const file = path.join(tmpDir, name);
      const stat = await fs.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < cutoff) await fs.rm(file, { force: true }).catch(() => undefined);
    }
  })();

  const storage: ObjectStorage = {
    kind: "local",
    async put(key, body, _options) {
      const target = resolveKey(key);
      const temp = path.join(tmpDir, `${randomUUID()}.part`);
      let streaming = false;
      // pipeline() passes one side's error to the other, so the side that failed first is the culprit.
      let failedFirst: "body" | "file" | undefined;
      try {
        await fs.mkdir(tmpDir, { recursive: true });
        await fs.mkdir(path.dirname(target), { recursive: true });
        const source = typeof body === "string" || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
        source.once("error", () => (failedFirst ??= "body"));
        const sink = createWriteStream(temp, { flags: "wx" }).once("error", () => (failedFirst ??= "file"));
        streaming = true;
        await pipeline(source, sink);
        streaming = false;
        const { size } = await fs.stat(temp);
        await fs.rename(temp, target).catch(async (error: unknown) => {
          // A delete of the directory's last file may have pruned it meanwhile: once more.
          if (!isMissing(error)) throw error;
          await fs.mkdir(path.dirname(target), { recursive: true });
          await fs.rename(temp, target);
        });
        return { sizeBytes: size };
      } catch (error) {
        await fs.rm(temp, { force: true }).catch(() => undefined);
        // Classified by where it failed, not by errno: the file system reports one
        // fault many ways (a read-only mount fails a recursive mkdir with ENOENT, a
        // root below a file with ENOTDIR). Only the body stream failing (client gone,
        // size cap hit) is not a storage fault.
        if (!streaming || failedFirst === "file")
          throw new StorageError("Local storage write failed", { cause: error });
        throw error;
      }
    },
    async get(key) {
      const file = resolveKey(key);
      try {
        const handle = await fs.open(file, "r");
        return handle.createReadStream();
      } catch (error) {
        if (isMissing(error)) throw new ObjectNotFoundError();
        throw error;
      }
    },
    async getBuffer(key) {
      try {
        return await fs.readFile(resolveKey(key));
      } catch (error) {
        if (isMissing(error)) throw new ObjectNotFoundError();
        throw error;
      }
    },
    async withLocalFile(key, use) {
      const file = resolveKey(key);
      if (!(await storage.exists(key))) throw new ObjectNotFoundError();
      return use(file);
    },
    async exists(key) {
      try {
        return (await fs.stat(resolveKey(key))).isFile();
      } catch (error) {
        if (isMissing(error)) return false;
        throw error;
      }
    },
    async delete(key) {
      const file = resolveKey(key);
      await fs.rm(file, { force: true });
      await pruneEmptyParents(file);
    },
    async deletePrefix(prefix) {
      let count = 0;
      for await (const object of storage.list(prefix)) {
        await storage.delete(object.key);
        count++;
      }
      if (prefix.endsWith("/"))
        await fs.rm(resolveKey(prefix.slice(0, -1)), { recursive: true, force: true }).catch(() => undefined);
      return count;
    },
    async *list(prefix) {
      // Walk only the deepest directory the prefix names, not the whole root.
      const dirPart = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const start = dirPart ? resolveKey(dirPart) : root;
      for await (const file of walk(start)) {
        const key = path.relative(root, file).split(path.sep).join("/");
        if (!key.startsWith(prefix)) continue;
        const stat = await fs.stat(file).catch(() => null);
        if (stat) yield { key, sizeBytes: stat.size, lastModified: stat.mtime } satisfies StoredObject;
      }
    },
  };
  return storage;
}
