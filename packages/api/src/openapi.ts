import { generateOpenApiDocument } from "trpc-to-openapi";
import { z } from "zod";
import { API_ERROR_STATUS, type ApiErrorCode } from "./errors";
import type { AppRouter } from "./router";
import { acceptedCallSchema, bulkDeleteInputSchema, bulkDeleteResultSchema, callMetadataSchema } from "./schemas";

type Document = ReturnType<typeof generateOpenApiDocument>;
type Operation = {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: unknown[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, unknown>;
  [key: string]: unknown;
};

const errorBody = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: Object.keys(API_ERROR_STATUS), example: "call_not_found" },
        message: { type: "string" },
        details: { type: "object", additionalProperties: true },
      },
    },
  },
} as const;

/** One error response; `x-error-codes` lists the codes this operation answers with at this status. */
const errorResponse = (codes: ApiErrorCode[]) => ({
  description: codes.join(" / "),
  "x-error-codes": codes,
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
});

const TAGS: Record<string, string> = {
  calls: "Upload recordings, follow their processing, read and edit the results.",
  "action items": "Action items from the analysis and added by hand, across calls or per call.",
  users: "The signed-in user.",
  contacts: "The people the user's calls are with: calls grouped per contact, with counts, timeline and open items.",
  search: "Full-text search over the transcripts, summaries and action items of the user's calls.",
  webhooks: "Endpoints that are told, signed the Standard Webhooks way, when a call completes, fails or is deleted.",
  health: "Liveness, for load balancers and uptime checks.",
};
const PROTECTED_NOTE =
  "Needs a Firebase ID token (`Authorization: Bearer`) and, when the server sets one, `X-Scryon-Api-Key`; only the caller's own data is visible (another user's is a 404).";
const PUBLIC_NOTE = "Public: no credentials are needed or read.";

const MUTATING = new Set(["post", "put", "patch", "delete"]);

/**
 * Every code an operation can answer with: what the HTTP layer adds to each
 * request of its kind (docs/contract.md § Errors) and what its procedure declares.
 */
function operationErrorCodes(
  method: string,
  operation: Operation,
  declared: ApiErrorCode[],
  extra: { upload?: boolean } = {},
): ApiErrorCode[] {
  const codes = new Set<ApiErrorCode>();
  const hasInput = (operation.parameters?.length ?? 0) > 0 || operation.requestBody !== undefined;
  if (hasInput) codes.add("validation_failed");
  // A path the router cannot match to the template (e.g. an id past the length limit) is the generic 404.
  if ((operation.parameters as Array<{ in?: string }> | undefined)?.some((p) => p.in === "path"))
    codes.add("not_found");
  if (operation.security === undefined || operation.security.length > 0) {
    for (const code of ["auth_missing", "auth_invalid", "auth_disabled", "rate_limited", "auth_unavailable"] as const)
      codes.add(code);
  }
  if (MUTATING.has(method)) {
    codes.add("idempotency_key_reused");
    codes.add("idempotency_request_in_progress");
  }
  if (operation.requestBody !== undefined) {
    codes.add("payload_too_large");
    codes.add("unsupported_media_type");
  }
  if (extra.upload) codes.add("storage_unavailable");
  for (const code of declared) codes.add(code);
  codes.add("internal_error");
  return [...codes];
}

function setErrorResponses(responses: Record<string, unknown>, codes: ApiErrorCode[]) {
  for (const status of Object.keys(responses)) if (Number(status) >= 400) delete responses[status];
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) {
    const status = API_ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, statusCodes] of [...byStatus].sort(([a], [b]) => a - b))
    responses[String(status)] = errorResponse(statusCodes);
}

/** The codes a procedure's `errorResponses` meta names (written with `errorResponses(...)`). */
function declaredCodes(meta: unknown): ApiErrorCode[] {
  const described = (meta as { openapi?: { errorResponses?: Record<string, string> } } | undefined)?.openapi
    ?.errorResponses;
  return Object.values(described ?? {})
    .flatMap((text) => text.split(" / "))
    .filter((code): code is ApiErrorCode => code in API_ERROR_STATUS);
}

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
  // The generator's own per-code error schemas are replaced by ours everywhere below.
  const generated = Object.entries(document.components.schemas ?? {}).filter(([name]) => !name.startsWith("error."));
  document.components.schemas = { ...Object.fromEntries(generated), Error: errorBody as never };
  document.info.contact = { name: "Scryon maintainers" };
  document.tags = Object.entries(TAGS).map(([name, description]) => ({ name, description }));
  const paths = (document.paths ??= {}) as Record<string, Record<string, Operation>>;

  const idempotencyHeader = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    schema: { type: "string", minLength: 1, maxLength: 255 },
    description:
      "Retries with the same key within 24 h return the original response; the same key with a different request is a 409.",
  };
  const statuses = successStatuses(router);
  const procedures = router._def.procedures as unknown as Record<string, { _def: { meta?: unknown } }>;
  for (const methods of Object.values(paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const procedurePath = operation.operationId?.replace(/-/g, ".");
      const meta = procedurePath ? procedures[procedurePath]?._def.meta : undefined;
      const protect = (meta as { openapi?: { protect?: boolean } } | undefined)?.openapi?.protect ?? false;
      // Public routes say so: no credentials are needed or read.
      if (!protect) operation.security = [];
      operation.description ??= `${operation.summary ?? ""}. ${protect ? PROTECTED_NOTE : PUBLIC_NOTE}`;
      if (MUTATING.has(method)) operation.parameters = [...(operation.parameters ?? []), idempotencyHeader];
      // Body fields that may also be sent in the query string (rest.ts reads both; the body wins).
      for (const name of (meta as { queryInputs?: readonly string[] } | undefined)?.queryInputs ?? []) {
        const body = operation.requestBody as
          | { content?: Record<string, { schema?: { properties?: Record<string, { description?: string }> } }> }
          | undefined;
        const schema = body?.content?.["application/json"]?.schema?.properties?.[name] ?? {};
        const parameter = { name, in: "query", required: false, schema, description: schema.description };
        operation.parameters = [...(operation.parameters ?? []), parameter];
      }
      const responses = (operation.responses ??= {});
      const status = procedurePath ? statuses.get(procedurePath) : undefined;
      if (status && responses["200"]) {
        const ok = responses["200"] as { description?: string };
        delete responses["200"];
        // A 204 carries no body and no content type.
        responses[String(status)] = status === 204 ? { description: ok.description ?? "No content" } : ok;
      }
      setErrorResponses(responses, operationErrorCodes(method, operation, declaredCodes(meta)));
    }
  }

  const security = [{ bearerAuth: [] }, { apiKey: [] }];
  paths["/calls/analyze"] = {
    post: {
      operationId: "calls-analyze",
      summary: "Submit a recording for analysis",
      description:
        "Streams the recording to storage and answers 202 with the callId at once; processing continues in the background (poll `/calls/status` or subscribe). `metadata` may be sent as a text field, as an `application/json` part (OkHttp/Retrofit `@Part`, Spring `@RequestPart`, `curl -F 'metadata={…};type=application/json'`) or as a file part (a browser `FormData` Blob, `curl -F metadata=@meta.json`); it is UTF-8 JSON. `title` may also be its own field. " +
        PROTECTED_NOTE,
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
                  ...(z.toJSONSchema(callMetadataSchema, { io: "input" }) as object),
                  description: "JSON envelope; all fields optional",
                },
                title: { type: "string", maxLength: 200 },
              },
            },
            // The envelope may be a JSON part or a plain text field; both carry UTF-8 JSON.
            encoding: { metadata: { contentType: "application/json, text/plain" } },
          },
        },
      },
      responses: {
        "202": {
          description: "Accepted",
          content: { "application/json": { schema: z.toJSONSchema(acceptedCallSchema) } },
        },
      },
    },
  };
  (paths["/calls"] ??= {}).delete = {
    operationId: "calls-deleteMany",
    summary: "Bulk delete calls (at most 100 ids)",
    description: `Deletes each call like DELETE /calls/{id} and reports which were deleted, missing or failed. ${PROTECTED_NOTE}`,
    tags: ["calls"],
    security,
    parameters: [idempotencyHeader],
    requestBody: { required: true, content: { "application/json": { schema: z.toJSONSchema(bulkDeleteInputSchema) } } },
    responses: {
      "200": {
        description: "Deleted",
        content: { "application/json": { schema: z.toJSONSchema(bulkDeleteResultSchema) } },
      },
    },
  };
  const upload = paths["/calls/analyze"].post as Operation;
  setErrorResponses(
    upload.responses as Record<string, unknown>,
    operationErrorCodes("post", upload, [], { upload: true }),
  );
  const bulkDelete = paths["/calls"].delete as Operation;
  setErrorResponses(bulkDelete.responses as Record<string, unknown>, operationErrorCodes("delete", bulkDelete, []));
  return document;
}
