import { generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import type { AppRouter } from "./router";
import { acceptedCallSchema, bulkDeleteInputSchema, bulkDeleteResultSchema, callMetadataSchema } from "./schemas";

type Document = ReturnType<typeof generateOpenApiDocument>;
type Operation = { operationId?: string; responses?: Record<string, unknown>; [key: string]: unknown };

const errorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", example: "call_not_found" },
        message: { type: "string" },
        details: { type: "object", additionalProperties: true },
      },
    },
  },
} as const;

const errorResponse = (description: string) => ({
  description,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

/** Procedure-path → success status, from the `successStatus` meta of each procedure. */
export function successStatuses(router: AppRouter): Map<string, number> {
  const statuses = new Map<string, number>();
  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const meta = (procedure as unknown as { _def: { meta?: { successStatus?: number } } })._def.meta;
    if (meta?.successStatus) statuses.set(path, meta.successStatus);
  }
  return statuses;
}

/**
 * The public REST document: generated from the router's zod schemas, plus the
 * two routes served outside trpc-to-openapi (the multipart upload and the bulk
 * delete, whose JSON body on DELETE the generator cannot express), with every
 * error in our shape (docs/contract.md § Errors).
 */
export function buildOpenApiDocument(router: AppRouter, options: { version: string; baseUrl: string }): Document {
  const document = generateOpenApiDocument(router, {
    title: "Scryon API",
    description:
      'Upload a call recording, get a callId at once, poll for completion, then read the speaker-attributed transcript, the analysis and the action items. Errors always have the shape {"error": {code, message, details?}}.',
    version: options.version,
    baseUrl: options.baseUrl,
    securitySchemes: {
      bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "Firebase ID token" },
      apiKey: { type: "apiKey", in: "header", name: "X-Scryon-Api-Key" },
    },
  });

  document.components ??= {};
  document.components.schemas = { ...document.components.schemas, Error: errorBody as never };
  const paths = (document.paths ??= {}) as Record<string, Record<string, Operation>>;

  const statuses = successStatuses(router);
  for (const methods of Object.values(paths)) {
    for (const operation of Object.values(methods)) {
      const responses = (operation.responses ??= {});
      const status = operation.operationId ? statuses.get(operation.operationId.replace(/-/g, ".")) : undefined;
      if (status && responses["200"]) {
        const ok = responses["200"] as { description?: string };
        delete responses["200"];
        responses[String(status)] = status === 204 ? { description: ok.description ?? "No content" } : ok;
      }
      // The generator describes errors in its own shape; ours is docs/contract.md § Errors.
      for (const code of Object.keys(responses)) {
        if (Number(code) >= 400) {
          const description = (responses[code] as { description?: string }).description ?? "Error";
          responses[code] = errorResponse(description);
        }
      }
      responses["500"] ??= errorResponse("Server fault (no details are exposed)");
    }
  }

  const security = [{ bearerAuth: [] }, { apiKey: [] }];
  const idempotencyHeader = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    schema: { type: "string", maxLength: 255 },
    description: "Retries with the same key return the original response for 24 h.",
  };
  paths["/calls/analyze"] = {
    post: {
      operationId: "calls-analyze",
      summary: "Submit a recording for analysis",
      tags: ["calls"],
      security,
      parameters: [idempotencyHeader],
      requestBody: {
        required: true,
        content: {
          "multipart/form-data": {
            schema: {
              type: "object",
              required: ["file"],
              properties: {
                file: {
                  type: "string",
                  format: "binary",
                  description: ".m4a, .mp3, .wav, .aac or .ogg (checked from the bytes)",
                },
                metadata: {
                  ...(z.toJSONSchema(callMetadataSchema) as object),
                  description: "JSON envelope; all fields optional",
                },
                title: { type: "string", maxLength: 200 },
              },
            },
          },
        },
      },
      responses: {
        "202": {
          description: "Accepted",
          content: { "application/json": { schema: z.toJSONSchema(acceptedCallSchema) } },
        },
        "400": errorResponse("validation_failed: missing file, bad metadata JSON"),
        "401": errorResponse("auth_missing / auth_invalid"),
        "409": errorResponse("idempotency_key_reused"),
        "413": errorResponse("payload_too_large: file exceeds MAX_FILE_SIZE"),
        "415": errorResponse("unsupported_media_type: audio not recognised"),
        "429": errorResponse("rate_limited"),
        "500": errorResponse("Server fault"),
      },
    },
  };
  (paths["/calls"] ??= {}).delete = {
    operationId: "calls-deleteMany",
    summary: "Bulk delete calls (at most 100 ids)",
    tags: ["calls"],
    security,
    parameters: [idempotencyHeader],
    requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(bulkDeleteInputSchema) } } },
    responses: {
      "200": {
        description: "Deleted",
        content: { "application/json": { schema: z.toJSONSchema(bulkDeleteResultSchema) } },
      },
      "400": errorResponse("validation_failed"),
      "401": errorResponse("auth_missing / auth_invalid"),
      "500": errorResponse("Server fault"),
    },
  };
  return document;
}
