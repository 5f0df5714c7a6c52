import { createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  type DeleteObjectsCommandOutput,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { ObjectNotFoundError, type ObjectStorage, StorageError, type StoredObject } from "./object-storage";

export interface S3StorageOptions {
  bucket: string;
  /** Any S3-compatible endpoint (MinIO, R2, …); null or omitted for AWS itself. */
  endpoint?: string | null;
  region: string;
  /** Both null or omitted: the SDK's default credential chain (environment, instance role, …). */
  accessKeyId?: string | null;
  secretAccessKey?: string | null;
  /** `endpoint/bucket/key` URLs instead of `bucket.endpoint/key`; most self-hosted servers need it. */
  forcePathStyle?: boolean;
  /** Bodies larger than one part go up as a multipart upload of parts this size (default 8 MiB, S3 minimum 5 MiB). */
  partSizeBytes?: number;
  /** Keys per listing page (default 1000, the S3 maximum). */
  listPageSize?: number;
  /** Where withLocalFile downloads to (default the OS temp directory). */
  tempDir?: string;
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*$/;
/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * Artifacts in an S3-compatible bucket. Uploads stream through
 * @aws-sdk/lib-storage: small bodies are one PUT, large ones a multipart
 * upload that S3 assembles only on completion (and that is aborted on
 * failure), so an object appears whole or not at all and memory stays bounded
 * by a few parts.
 */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const { bucket } = options;
  const partSize = Math.max(5 * 1024 * 1024, options.partSizeBytes ?? 8 * 1024 * 1024);
  const listPageSize = options.listPageSize ?? 1000;
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint && { endpoint: options.endpoint }),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.accessKeyId &&
      options.secretAccessKey && {
        credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      }),
    // Checksums only where S3 requires them: many S3-compatible servers reject
    // the SDK's newer default trailing checksums.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });

  const checkKey = (key: string): void => {
    if (!SAFE_KEY.test(key) || key.split("/").some((part) => part === "." || part === ".."))
      throw new Error("invalid object key");
  };
  const isMissing = (error: unknown) =>
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" || error.name === "NotFound" || error.$metadata.httpStatusCode === 404);
  /** Service and network faults become StorageError; our own errors pass through. */
  const fault = (message: string, error: unknown): Error =>
    error instanceof ObjectNotFoundError || error instanceof StorageError
      ? error
      : new StorageError(message, { cause: error });

  const getBody = async (key: string): Promise<Readable> => {
    checkKey(key);
    try {
      const { Body } = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      if (!(Body instanceof Readable)) throw new StorageError("S3 returned no body");
      return Body;
    } catch (error) {
      if (isMissing(error)) throw new ObjectNotFoundError();
      throw fault("S3 read failed", error);
    }
  };

  async function* listPages(prefix: string): AsyncGenerator<StoredObject[]> {
    let continuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            MaxKeys: listPageSize,
            ContinuationToken: continuationToken,
          }),
        );
      } catch (error) {
        throw fault("S3 listing failed", error);
      }
      yield (page.Contents ?? []).flatMap((object) =>
        object.Key
          ? [{ key: object.Key, sizeBytes: object.Size ?? 0, lastModified: object.LastModified ?? new Date(0) }]
          : [],
      );
      continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (continuationToken);
  }

  const storage: ObjectStorage = {
    kind: "s3",
    async put(key, body, { contentType }) {
      checkKey(key);
      let sizeBytes = 0;
      let bodyError: unknown;
      const source = typeof body === "string" || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
      // A failing body (client gone, size cap hit) aborts the upload and is rethrown as itself.
      source.once("error", (error) => {
        bodyError ??= error;
      });
      const counted = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          sizeBytes += chunk.length;
          done(null, chunk);
        },
      });
      const feeding = pipeline(source, counted).catch(() => undefined);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: counted, ContentType: contentType },
        partSize,
        queueSize: 2,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (error) {
        // Unblock (and release) a body the failed upload stopped reading.
        counted.destroy();
        await feeding;
        if (bodyError) throw bodyError;
        throw fault("S3 write failed", error);
      }
      await feeding;
      return { sizeBytes };
    },
    get: getBody,
    async getBuffer(key) {
      const body = await getBody(key);
      try {
        const chunks: Buffer[] = [];
        for await (const chunk of body) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      } catch (error) {
        throw fault("S3 read failed", error);
      }
    },
    async withLocalFile(key, use) {
      const body = await getBody(key);
      const dir = await fs.mkdtemp(path.join(options.tempDir ?? os.tmpdir(), "scryon-s3-"));
      try {
        const file = path.join(dir, path.posix.basename(key));
        try {
          await pipeline(body, createWriteStream(file, { flags: "wx" }));
        } catch (error) {
          throw fault("S3 download failed", error);
        }
        return await use(file);
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    },
    async exists(key) {
      checkKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return true;
      } catch (error) {
        if (isMissing(error)) return false;
        throw fault("S3 read failed", error);
      }
    },
    async delete(key) {
      checkKey(key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (isMissing(error)) return;
        throw fault("S3 delete failed", error);
      }
    },
    async deletePrefix(prefix) {
      let deleted = 0;
      let batch: string[] = [];
      const flush = async () => {
        if (batch.length === 0) return;
        let result: DeleteObjectsCommandOutput;
        try {
          result = await client.send(
            new DeleteObjectsCommand({
              Bucket: bucket,
              Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }),
          );
        } catch (error) {
          throw fault("S3 delete failed", error);
        }
        const failed = (result.Errors ?? []).filter((e) => e.Code !== "NoSuchKey");
        if (failed.length > 0) throw new StorageError(`S3 refused to delete ${failed.length} objects`);
        deleted += batch.length;
        batch = [];
      };
      // Safe while listing: a continuation token resumes after the last key listed, wherever it went.
      for await (const page of listPages(prefix)) {
        for (const object of page) {
          batch.push(object.key);
          if (batch.length === DELETE_BATCH) await flush();
        }
      }
      await flush();
      return deleted;
    },
    async *list(prefix) {
      for await (const page of listPages(prefix)) yield* page;
    },
  };
  return storage;
}
