import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callPrefix,
  createLocalStorage,
  createS3Storage,
  ObjectNotFoundError,
  type ObjectStorage,
  StorageError,
} from "../src/index";
import { startS3Server, type TestS3Server } from "./s3-server";

/** One way to get an empty storage and to throw it away afterwards. */
interface StorageFactory {
  name: "local" | "s3";
  open(): Promise<{ storage: ObjectStorage; dispose(): Promise<void> }>;
}

const s3Credentials = { region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER", forcePathStyle: true };

const factories: StorageFactory[] = [
  {
    name: "local",
    async open() {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "scryon-local-storage-"));
      return {
        storage: createLocalStorage({ root }),
        dispose: async () => fs.rmSync(root, { recursive: true, force: true }),
      };
    },
  },
  {
    name: "s3",
    async open() {
      const server = await startS3Server();
      // Two keys per listing page, so every listing below crosses pages.
      const storage = createS3Storage({
        bucket: server.bucket,
        endpoint: server.endpoint,
        listPageSize: 2,
        ...s3Credentials,
      });
      return { storage, dispose: () => server.stop() };
    },
  },
];

const prefixOfNewCall = () => callPrefix(randomUUID(), randomUUID());
const failingStream = (goodBytes: number, error: Error) =>
  new Readable({
    read() {
      this.push(Buffer.alloc(goodBytes, 1));
      this.destroy(error);
    },
  });

describe.each(factories)("ObjectStorage contract: $name", (factory) => {
  let storage: ObjectStorage;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ storage, dispose } = await factory.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  it("reports its kind", () => {
    expect(storage.kind).toBe(factory.name);
  });

  it("stores strings, buffers and streams and reads them back whole", async () => {
    const prefix = prefixOfNewCall();
    const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
    expect(
      await storage.put(`${prefix}analysis/analysis.json`, '{"ok":true}', { contentType: "application/json" }),
    ).toEqual({ sizeBytes: 11 });
    expect(
      await storage.put(`${prefix}transcripts/raw.json`, bytes, { contentType: "application/octet-stream" }),
    ).toEqual({ sizeBytes: 6 });
    const chunks = ["seg one ", "seg two ", "ünïcode"].map((s) => Buffer.from(s));
    const streamed = await storage.put(`${prefix}temp/audio-upload.m4a`, Readable.from(chunks), {
      contentType: "audio/mp4",
    });
    expect(streamed.sizeBytes).toBe(Buffer.concat(chunks).length);

    expect((await storage.getBuffer(`${prefix}analysis/analysis.json`)).toString()).toBe('{"ok":true}');
    expect(await storage.getBuffer(`${prefix}transcripts/raw.json`)).toEqual(bytes);
    const read: Buffer[] = [];
    for await (const chunk of await storage.get(`${prefix}temp/audio-upload.m4a`)) read.push(chunk as Buffer);
    expect(Buffer.concat(read)).toEqual(Buffer.concat(chunks));
    expect(await storage.exists(`${prefix}temp/audio-upload.m4a`)).toBe(true);
  });

  it("put replaces an existing object", async () => {
    const key = `${prefixOfNewCall()}analysis/analysis.json`;
    await storage.put(key, "first version", { contentType: "application/json" });
    await storage.put(key, "second", { contentType: "application/json" });
    expect((await storage.getBuffer(key)).toString()).toBe("second");
  });

  it("a missing object: ObjectNotFoundError on read, false on exists, fine to delete", async () => {
    const key = `${prefixOfNewCall()}analysis/analysis.json`;
    await expect(storage.get(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(storage.getBuffer(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    let used = false;
    await expect(
      storage.withLocalFile(key, async () => {
        used = true;
      }),
    ).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(used).toBe(false);
    expect(await storage.exists(key)).toBe(false);
    await storage.delete(key);
  });

  it("delete removes one object and is idempotent", async () => {
    const prefix = prefixOfNewCall();
    await storage.put(`${prefix}a.json`, "a", { contentType: "application/json" });
    await storage.put(`${prefix}b.json`, "b", { contentType: "application/json" });
    await storage.delete(`${prefix}a.json`);
    await storage.delete(`${prefix}a.json`);
    expect(await storage.exists(`${prefix}a.json`)).toBe(false);
    expect(await storage.exists(`${prefix}b.json`)).toBe(true);
  });

  it("list yields every object under a prefix, with size and time, across pages", async () => {
    const prefix = prefixOfNewCall();
    const neighbour = prefixOfNewCall();
    const keys = [
      "analysis/analysis.json",
      "diarization/diarization.json",
      "temp/audio-upload.wav",
      "transcripts/normalized.json",
      "transcripts/raw.json",
    ].map((k) => prefix + k);
    for (const [i, key] of keys.entries())
      await storage.put(key, "x".repeat(i + 1), { contentType: "application/json" });
    await storage.put(`${neighbour}analysis/analysis.json`, "n", { contentType: "application/json" });

    const before = Date.now();
    const listed = [];
    for await (const object of storage.list(prefix)) listed.push(object);
    expect(listed.map((o) => o.key).sort()).toEqual([...keys].sort());
    for (const object of listed) {
      expect(object.sizeBytes).toBe(keys.indexOf(object.key) + 1);
      expect(object.lastModified).toBeInstanceOf(Date);
      expect(Math.abs(object.lastModified.getTime() - before)).toBeLessThan(60_000);
    }
    const underTranscripts = [];
    for await (const object of storage.list(`${prefix}transcripts/`)) underTranscripts.push(object.key);
    expect(underTranscripts.sort()).toEqual([`${prefix}transcripts/normalized.json`, `${prefix}transcripts/raw.json`]);
    const nothing = [];
    for await (const object of storage.list(prefixOfNewCall())) nothing.push(object);
    expect(nothing).toEqual([]);
  });

  it("deletePrefix removes everything under the prefix, counts it, and nothing else", async () => {
    const prefix = prefixOfNewCall();
    const neighbour = prefixOfNewCall();
    for (const name of ["a.json", "b.json", "temp/c.wav", "transcripts/d.json", "transcripts/e.json"])
      await storage.put(prefix + name, name, { contentType: "application/octet-stream" });
    await storage.put(`${neighbour}a.json`, "keep", { contentType: "application/json" });

    expect(await storage.deletePrefix(prefix)).toBe(5);
    const left = [];
    for await (const object of storage.list(prefix)) left.push(object);
    expect(left).toEqual([]);
    expect(await storage.exists(`${neighbour}a.json`)).toBe(true);
    expect(await storage.deletePrefix(prefix)).toBe(0);
  });

  it("withLocalFile hands `use` a readable file with the object's bytes and returns its result", async () => {
    const key = `${prefixOfNewCall()}temp/audio-upload.wav`;
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));
    await storage.put(key, bytes, { contentType: "audio/wav" });
    const result = await storage.withLocalFile(key, async (filePath) => {
      expect(fs.readFileSync(filePath)).toEqual(bytes);
      return "probed";
    });
    expect(result).toBe("probed");
  });

  it("a body stream that fails leaves no object and rethrows the stream's own error", async () => {
    const key = `${prefixOfNewCall()}temp/audio-upload.m4a`;
    const cause = new Error("client went away");
    await expect(storage.put(key, failingStream(1024, cause), { contentType: "audio/mp4" })).rejects.toBe(cause);
    expect(await storage.exists(key)).toBe(false);
  });

  it("rejects keys that could escape the layout", async () => {
    await expect(storage.put("../escape.json", "x", { contentType: "application/json" })).rejects.toThrow(
      "invalid object key",
    );
    await expect(storage.getBuffer("users/../../etc/passwd")).rejects.toThrow("invalid object key");
  });
});

describe("S3 storage specifics", () => {
  let server: TestS3Server;
  let storage: ObjectStorage;
  const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
  /** A large body delivered in small chunks, like an upload arriving over HTTP. */
  const chunked = (data: Buffer, chunkSize = 64 * 1024) =>
    Readable.from(
      (function* () {
        for (let offset = 0; offset < data.length; offset += chunkSize) yield data.subarray(offset, offset + chunkSize);
      })(),
    );

  beforeAll(async () => {
    server = await startS3Server();
    storage = createS3Storage({
      bucket: server.bucket,
      endpoint: server.endpoint,
      partSizeBytes: 5 * 1024 * 1024,
      ...s3Credentials,
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("streams a large body up as a multipart upload and reads it back intact", async () => {
    const key = `${prefixOfNewCall()}temp/audio-upload.wav`;
    const data = Buffer.alloc(12 * 1024 * 1024 + 123);
    for (let i = 0; i < data.length; i += 4096) data.writeUInt32LE((i * 2654435761) >>> 0, i);
    const seenBefore = server.requests.length;

    expect(await storage.put(key, chunked(data), { contentType: "audio/wav" })).toEqual({ sizeBytes: data.length });
    const requests = server.requests.slice(seenBefore);
    expect(requests.some((r) => /^POST .*\?uploads/.test(r))).toBe(true);
    expect(requests.filter((r) => /^PUT .*partNumber=/.test(r))).toHaveLength(3);
    expect(sha256(await storage.getBuffer(key))).toBe(sha256(data));
  });

  it("a body that fails in the middle of a multipart upload aborts it and leaves no object", async () => {
    const key = `${prefixOfNewCall()}temp/audio-upload.wav`;
    const cause = new Error("size cap exceeded");
    const seenBefore = server.requests.length;
    const body = Readable.from(
      (async function* () {
        for (let i = 0; i < 100; i++) yield Buffer.alloc(64 * 1024, i);
        throw cause;
      })(),
    );
    await expect(storage.put(key, body, { contentType: "audio/wav" })).rejects.toBe(cause);
    expect(await storage.exists(key)).toBe(false);
    expect(server.requests.slice(seenBefore).some((r) => /^DELETE .*uploadId=/.test(r))).toBe(true);
  });

  it("withLocalFile removes its download afterwards, also when `use` fails", async () => {
    const key = `${prefixOfNewCall()}temp/audio-upload.wav`;
    await storage.put(key, "RIFF....", { contentType: "audio/wav" });
    let seenPath = "";
    await storage.withLocalFile(key, async (filePath) => {
      seenPath = filePath;
      expect(fs.existsSync(filePath)).toBe(true);
      expect(path.basename(filePath)).toBe("audio-upload.wav");
    });
    expect(fs.existsSync(seenPath)).toBe(false);

    const failure = new Error("ffmpeg failed");
    await expect(
      storage.withLocalFile(key, async (filePath) => {
        seenPath = filePath;
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(fs.existsSync(seenPath)).toBe(false);
    expect(fs.existsSync(path.dirname(seenPath))).toBe(false);
  });

  it("an unreachable bucket is a StorageError with a stable code", async () => {
    const unreachable = createS3Storage({ bucket: "b", endpoint: "http://127.0.0.1:9", ...s3Credentials });
    const key = `${prefixOfNewCall()}analysis/analysis.json`;
    const error = await unreachable.put(key, "x", { contentType: "application/json" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe("storage_unavailable");
    await expect(unreachable.exists(key)).rejects.toBeInstanceOf(StorageError);
  });
});
