import { createHash, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import type { User } from "@scryon/db";
import { StorageError, tempAudioKey } from "@scryon/storage";
import { fileTypeFromBuffer } from "file-type";
import type { ApiDeps } from "../context";
import { ApiError, errors, zodDetails } from "../errors";
import { callMetadataSchema } from "../schemas";
import { attachContact } from "./contacts";

/** Accepted containers, decided from the bytes (file-type), never from the name. */
const ACCEPTED: Record<string, { extension: string; contentType: string }> = {
  wav: { extension: "wav", contentType: "audio/wav" },
  mp3: { extension: "mp3", contentType: "audio/mpeg" },
  m4a: { extension: "m4a", contentType: "audio/mp4" },
  mp4: { extension: "m4a", contentType: "audio/mp4" },
  aac: { extension: "aac", contentType: "audio/aac" },
  ogg: { extension: "ogg", contentType: "audio/ogg" },
  oga: { extension: "ogg", contentType: "audio/ogg" },
  opus: { extension: "ogg", contentType: "audio/ogg" },
};
const SNIFF_BYTES = 4100;

export interface StoredAudio {
  callId: string;
  key: string;
  sizeBytes: number;
  contentType: string;
  sha256: string;
}

/**
 * Streams an upload into temporary storage under a fresh call id: the format is
 * checked on the first bytes before anything is written, the size cap is
 * enforced while streaming (the upload stops at the first byte too many), and a
 * failed upload leaves nothing behind.
 */
export async function storeAudio(
  deps: ApiDeps,
  user: User,
  source: AsyncIterable<Buffer | Uint8Array>,
): Promise<StoredAudio> {
  const maxBytes = deps.settings.maxFileSizeBytes;
  const iterator = source[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  let total = 0;
  let exhausted = false;
  const count = (chunk: Buffer) => {
    total += chunk.length;
    if (total > maxBytes) throw errors.payloadTooLarge(maxBytes);
  };
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const chunk = Buffer.from(next.value);
    count(chunk);
    head.push(chunk);
    headLength += chunk.length;
  }
  if (total === 0) throw errors.validation("The file is empty", { fields: [{ path: "file", message: "empty file" }] });
  const detected = await fileTypeFromBuffer(Buffer.concat(head));
  const format = detected ? ACCEPTED[detected.ext] : undefined;
  if (!format) {
    if (!exhausted) await iterator.return?.();
    throw errors.unsupportedMediaType();
  }

  const hash = createHash("sha256");
  async function* body() {
    for (const chunk of head) {
      hash.update(chunk);
      yield chunk;
    }
    if (exhausted) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = Buffer.from(next.value);
      count(chunk);
      hash.update(chunk);
      yield chunk;
    }
  }

  const callId = randomUUID();
  const key = tempAudioKey(user.id, callId, format.extension);
  try {
    const { sizeBytes } = await deps.storage.put(key, Readable.from(body()), { contentType: format.contentType });
    return { callId, key, sizeBytes, contentType: format.contentType, sha256: hash.digest("hex") };
  } catch (error) {
    await deps.storage.delete(key).catch(() => undefined);
    if (error instanceof ApiError) throw error;
    if (error instanceof StorageError) throw errors.storageUnavailable();
    throw error;
  }
}

export interface SubmitInput {
  audio: StoredAudio;
  /** The raw `metadata` part (JSON text) or an already-parsed object; absent = {}. */
  metadata: string | Record<string, unknown> | undefined;
  /** The optional plain `title` part; the envelope's title wins. */
  title: string | undefined;
  idempotencyKey: string | null;
}

export interface SubmitResult {
  status: 202;
  body: { callId: string; status: "QUEUED" };
}

function parseMetadata(raw: SubmitInput["metadata"], title: string | undefined) {
  let value: unknown = raw ?? {};
  if (typeof raw === "string") {
    try {
      value = raw.trim() === "" ? {} : JSON.parse(raw);
    } catch {
      throw errors.validation("metadata is not valid JSON", {
        fields: [{ path: "metadata", message: "invalid JSON" }],
      });
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw errors.validation("metadata must be a JSON object", {
      fields: [{ path: "metadata", message: "expected an object" }],
    });
  const parsed = callMetadataSchema.safeParse(value);
  if (!parsed.success) {
    const details = zodDetails(parsed.error) as { fields: Array<{ path: string; message: string }> };
    throw errors.validation("metadata failed validation", {
      fields: details.fields.map((f) => ({ ...f, path: `metadata.${f.path}` })),
    });
  }
  const plainTitle = title?.trim();
  if (plainTitle !== undefined && plainTitle.length > 200)
    throw errors.validation("title is too long", { fields: [{ path: "title", message: "at most 200 characters" }] });
  return { ...parsed.data, title: parsed.data.title || plainTitle || undefined };
}

/**
 * Turns stored audio into a QUEUED call. On any refusal (bad metadata, a reused
 * Idempotency-Key) the stored audio is deleted, so nothing is kept for a request
 * that did not create a call.
 */
export async function submitCall(deps: ApiDeps, user: User, input: SubmitInput): Promise<SubmitResult> {
  const { audio } = input;
  try {
    const metadata = parseMetadata(input.metadata, input.title);
    const requestHash = createHash("sha256").update(audio.sha256).update(JSON.stringify(metadata)).digest("hex");

    if (input.idempotencyKey) {
      const replay = await claimOrReplay(deps, user, input.idempotencyKey, requestHash);
      if (replay) {
        await deps.storage.delete(audio.key).catch(() => undefined);
        return replay;
      }
    }

    try {
      // docs/contract.md § Contacts: the call joins (or starts) its contact before it exists, in one statement.
      const contactRef = await attachContact(deps, user.id, metadata, new Date());
      await deps.store.calls.insert({
        id: audio.callId,
        contactRef,
        userId: user.id,
        title: metadata.title ?? null,
        contactName: metadata.contactName ?? null,
        contactId: metadata.contactId ?? null,
        phoneNumber: metadata.phoneNumber ?? null,
        organization: metadata.organization ?? null,
        direction: metadata.direction ?? null,
        recordedAt: metadata.recordedAt ? new Date(metadata.recordedAt) : null,
        durationSeconds: metadata.durationSeconds ?? null,
        language: metadata.language ?? null,
        vocabulary: metadata.vocabulary ?? [],
        sourceContentType: audio.contentType,
        sourceSizeBytes: audio.sizeBytes,
      });
      await deps.store.artifacts.upsert({
        callId: audio.callId,
        type: "TEMP_AUDIO",
        storageKey: audio.key,
        contentType: audio.contentType,
        sizeBytes: audio.sizeBytes,
      });
    } catch (error) {
      if (input.idempotencyKey) await deps.store.idempotency.release(user.id, input.idempotencyKey);
      throw error;
    }
    const result: SubmitResult = { status: 202, body: { callId: audio.callId, status: "QUEUED" } };
    if (input.idempotencyKey)
      await deps.store.idempotency.complete(user.id, input.idempotencyKey, result.status, JSON.stringify(result.body));
    // A lost enqueue is recovered by the stale-call sweeper: the row is the truth.
    await deps.pipeline.enqueue(audio.callId).catch((error: unknown) => {
      deps.log.warn(
        { callId: audio.callId, err: error instanceof Error ? error.name : "error" },
        "enqueue failed; sweeper will retry",
      );
    });
    return result;
  } catch (error) {
    await deps.storage.delete(audio.key).catch(() => undefined);
    throw error;
  }
}

async function claimOrReplay(
  deps: ApiDeps,
  user: User,
  key: string,
  requestHash: string,
): Promise<SubmitResult | null> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const claim = await deps.store.idempotency.claim(user.id, key, requestHash);
    if (claim.claimed) return null;
    if (claim.record.requestHash !== requestHash) throw errors.idempotencyConflict();
    if (claim.record.state === "DONE" && claim.record.responseBody)
      return { status: 202, body: JSON.parse(claim.record.responseBody) as SubmitResult["body"] };
    if (Date.now() > deadline) throw errors.idempotencyInProgress();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
