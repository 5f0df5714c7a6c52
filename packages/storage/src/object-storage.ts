import type { Readable } from "node:stream";

export interface StoredObject {
  key: string;
  sizeBytes: number;
  lastModified: Date;
}

/**
 * Artifact storage. Keys are UUID-only paths (see keys.ts); there are no public
 * URLs — bytes are read only through owner-checked APIs. Local disk and any
 * S3-compatible bucket implement this.
 */
export interface ObjectStorage {
  readonly kind: "local" | "s3";
  /** Streams `body` in; the object appears whole or not at all. */
  put(key: string, body: Readable | Buffer | string, options: { contentType: string }): Promise<{ sizeBytes: number }>;
  get(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  /**
   * Runs `use` with a path on local disk holding the object (tools such as
   * ffmpeg need a file). The path is valid only during `use`.
   */
  withLocalFile<T>(key: string, use: (filePath: string) => Promise<T>): Promise<T>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing object is fine. */
  delete(key: string): Promise<void>;
  deletePrefix(prefix: string): Promise<number>;
  list(prefix: string): AsyncIterable<StoredObject>;
}

export class ObjectNotFoundError extends Error {
  readonly code = "object_not_found";
  constructor() {
    super("Object not found");
    this.name = "ObjectNotFoundError";
  }
}

/** Storage faults (disk full, unwritable, bucket unreachable) surface as this. */
export class StorageError extends Error {
  readonly code = "storage_unavailable";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StorageError";
  }
}
