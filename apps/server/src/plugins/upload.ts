import multipart from "@fastify/multipart";
import { type ApiDeps, ApiError, errors, type Principal, type StoredAudio, storeAudio, submitCall } from "@scryon/api";
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
      files: 1,
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
      const user = await deps.store.users.findOrCreate({
        authUid: principal.authUid,
        email: principal.email,
        displayName: principal.displayName,
      });
      if (user.disabled) throw new ApiError(403, "auth_disabled", "This account is disabled");

      let audio: StoredAudio | undefined;
      let metadata: string | undefined;
      let title: string | undefined;
      try {
        for await (const part of request.parts()) {
          if (part.type === "file") {
            if (part.fieldname !== "file" || audio) {
              part.file.resume();
              throw errors.validation("Unexpected file part", {
                fields: [{ path: part.fieldname, message: "only one `file` part is accepted" }],
              });
            }
            audio = await storeAudio(deps, user, part.file);
            // @fastify/multipart marks a stream cut at the size limit as truncated.
            if (part.file.truncated) throw errors.payloadTooLarge(deps.settings.maxFileSizeBytes);
          } else if (part.fieldname === "metadata") {
            metadata = String(part.value);
          } else if (part.fieldname === "title") {
            title = String(part.value);
          }
        }
        if (!audio)
          throw errors.validation("The `file` part is missing", { fields: [{ path: "file", message: "required" }] });
      } catch (error) {
        if (audio) await deps.storage.delete(audio.key).catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (code === "FST_REQ_FILE_TOO_LARGE") throw errors.payloadTooLarge(deps.settings.maxFileSizeBytes);
        if (code === "FST_FILES_LIMIT" || code === "FST_PARTS_LIMIT" || code === "FST_FIELDS_LIMIT")
          throw errors.validation("Too many parts in the upload");
        if (code === "FST_INVALID_MULTIPART_CONTENT_TYPE" || code === "FST_PROTO_VIOLATION")
          throw errors.validation("Malformed multipart body");
        if (error instanceof Error && /Unexpected end of (form|multipart)|Malformed part header/i.test(error.message))
          throw errors.validation("Malformed or truncated multipart body");
        throw error;
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
