import { TextDecoder } from "node:util";
import multipart, { type MultipartFile } from "@fastify/multipart";
import {
  type ApiDeps,
  errors,
  type Principal,
  resolveUser,
  type StoredAudio,
  storeAudio,
  submitCall,
} from "@scryon/api";
import type { FastifyInstance, FastifyRequest } from "fastify";

export interface UploadPluginOptions {
  deps: ApiDeps;
  authenticate: (request: FastifyRequest) => Promise<Principal>;
  /** Applied to the upload route only (its own, configurable limit: SCRYON_UPLOAD_RATE_LIMIT_PER_MINUTE). */
  rateLimit?: { max: number; timeWindow: number } | false;
}

const MAX_FIELD_BYTES = 64 * 1024;

/**
 * POST /api/calls/analyze — the one non-tRPC route: a streamed multipart upload
 * (parts `file`, `metadata`, `title`) handed to the same domain code the router
 * uses. The file goes straight to storage; it is never held whole in memory.
 */
export async function uploadPlugin(app: FastifyInstance, options: UploadPluginOptions) {
  const { deps, authenticate } = options;
  await app.register(multipart, {
    limits: {
      fileSize: deps.settings.maxFileSizeBytes,
      // The audio and, from browsers and `curl -F metadata=@file`, the metadata envelope; one more so that a
      // second `file` part gets its own clear answer rather than "too many parts".
      files: 3,
      fields: 5,
      parts: 8,
      fieldSize: MAX_FIELD_BYTES,
      headerPairs: 200,
    },
    throwFileSizeLimit: true,
  });

  app.post(
    "/api/calls/analyze",
    { config: options.rateLimit ? { rateLimit: options.rateLimit } : {} },
    async (request, reply) => {
      if (!request.isMultipart())
        throw errors.validation("Send multipart/form-data with a `file` part", {
          fields: [{ path: "file", message: "required" }],
        });
      const principal = await authenticate(request);
      const user = await resolveUser(deps, principal);

      let audio: StoredAudio | undefined;
      let metadata: string | Record<string, unknown> | undefined;
      let title: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === "file") {
            if (part.fieldname === "metadata") {
              // A browser FormData Blob or `curl -F metadata=@meta.json` sends the envelope as a file part.
              metadata = await readMetadataFile(part);
              continue;
            }
            if (part.fieldname !== "file" || audio) {
              part.file.resume();
              throw unexpectedFilePart(part.fieldname);
            }
            audio = await storeAudio(deps, user, part.file);
            // @fastify/multipart marks a stream cut at the size limit as truncated.
            if (part.file.truncated) throw errors.payloadTooLarge(deps.settings.maxFileSizeBytes);
          } else if (part.fieldname === "metadata") {
            // An application/json part (OkHttp, Retrofit, Spring, `curl -F 'metadata={…};type=application/json'`)
            // arrives already parsed by @fastify/multipart; a text field arrives as a string.
            metadata = metadataFromField(part.value);
          } else if (part.fieldname === "title") {
            title = String(part.value);
          }
        }
        if (!audio)
          throw errors.validation("The `file` part is missing", { fields: [{ path: "file", message: "required" }] });
      } catch (error) {
        if (audio) await deps.storage.delete(audio.key).catch(() => undefined);
        throw uploadError(error, deps.settings.maxFileSizeBytes);
      }

      const idempotencyKey = request.headers["idempotency-key"];
      const result = await submitCall(deps, user, {
        audio,
        metadata,
        title,
        idempotencyKey: typeof idempotencyKey === "string" && idempotencyKey !== "" ? idempotencyKey : null,
      });
      return reply.code(result.status).send(result.body);
    },
  );
}

const unexpectedFilePart = (fieldname: string) =>
  fieldname === "file"
    ? errors.validation("Two `file` parts", { fields: [{ path: "file", message: "only one `file` part is accepted" }] })
    : errors.validation("Unexpected file part", {
        fields: [{ path: fieldname, message: "only `file` (and `metadata`) may be sent as files" }],
      });

const invalidMetadataJson = () =>
  errors.validation("metadata is not valid JSON", { fields: [{ path: "metadata", message: "invalid JSON" }] });

function metadataFromField(value: unknown): string | Record<string, unknown> {
  if (typeof value === "string") return value;
  // Parsed JSON that is not an object (a number, an array) is refused by the envelope's own check.
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : JSON.stringify(value);
}

/**
 * Reads a metadata file part (at most MAX_FIELD_BYTES). JSON between systems is UTF-8 (RFC 8259 § 8.1), and the
 * parser does not pass a file part's charset on, so bytes that are not UTF-8 are refused rather than guessed.
 */
async function readMetadataFile(part: MultipartFile): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of part.file as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FIELD_BYTES) {
      part.file.resume();
      throw errors.validation("metadata is too large", {
        fields: [{ path: "metadata", message: `at most ${MAX_FIELD_BYTES} bytes` }],
      });
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw invalidMetadataJson();
  }
}

/** Maps the multipart parser's errors to the documented 4xx answers. */
function uploadError(error: unknown, maxFileSizeBytes: number): unknown {
  const code = (error as { code?: string }).code;
  if (code === "FST_REQ_FILE_TOO_LARGE") return errors.payloadTooLarge(maxFileSizeBytes);
  if (code === "FST_INVALID_JSON_FIELD_ERROR") return invalidMetadataJson();
  if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT")
    return errors.validation("Too many parts in the upload");
  if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE" || code === "FST_PROTO_VIOLATION")
    return errors.validation("Malformed multipart body");
  if (error instanceof Error && /Unexpected end of (form|multipart)|Malformed part header/i.test(error.message))
    return errors.validation("Malformed or truncated multipart body");
  return error;
}
