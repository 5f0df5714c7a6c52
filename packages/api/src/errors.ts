import { TRPCError } from "@trpc/server";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

/**
 * Every error code the API answers with, and its HTTP status (docs/contract.md § Errors).
 * The one list: the catalogue below builds its errors from it, and the OpenAPI
 * document derives each operation's error responses from it.
 */
export const API_ERROR_STATUS = {
  validation_failed: 400,
  invalid_search_query: 400,
  auth_missing: 401,
  auth_invalid: 401,
  auth_disabled: 403,
  not_found: 404,
  call_not_found: 404,
  action_item_not_found: 404,
  webhook_not_found: 404,
  webhook_delivery_not_found: 404,
  contact_not_found: 404,
  analysis_not_found: 404,
  transcript_not_found: 404,
  speaker_not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  call_state_conflict: 409,
  idempotency_key_reused: 409,
  idempotency_request_in_progress: 409,
  webhook_delivery_pending: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  call_not_completed: 422,
  rate_limited: 429,
  headers_too_large: 431,
  internal_error: 500,
  analysis_failed: 502,
  storage_unavailable: 503,
  auth_unavailable: 503,
} as const satisfies Record<string, number>;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;

/** The wire shape of every error (docs/contract.md § Errors): `{"error": {code, message, details?}}`. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * A domain error with its HTTP status and stable code. Messages are short and
 * carry no PII; field-level problems go in `details`. Build them through
 * `errors`, so the code and status always agree with the catalogue.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = API_ERROR_STATUS[code];
  }

  toBody(): ApiErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/** The error catalogue: every error the services and the HTTP layer raise. */
export const errors = {
  validation: (message = "Request validation failed", details?: Record<string, unknown>) =>
    new ApiError("validation_failed", message, details),
  authMissing: () => new ApiError("auth_missing", "Authentication required"),
  authInvalid: (message = "Invalid or expired credentials") => new ApiError("auth_invalid", message),
  authDisabled: () => new ApiError("auth_disabled", "This account is disabled"),
  callNotFound: () => new ApiError("call_not_found", "Call not found"),
  actionItemNotFound: () => new ApiError("action_item_not_found", "Action item not found"),
  analysisNotFound: () => new ApiError("analysis_not_found", "No analysis exists for this call yet"),
  transcriptNotFound: () => new ApiError("transcript_not_found", "No stored transcript for this call"),
  speakerNotFound: () => new ApiError("speaker_not_found", "No such speaker in this call's transcript"),
  callNotCompleted: (status: string) =>
    new ApiError("call_not_completed", "The call has not completed processing", { status }),
  stateConflict: (status: string, reason?: string) =>
    new ApiError("call_state_conflict", "The call is not in a state that allows this", {
      status,
      ...(reason && { reason }),
    }),
  idempotencyConflict: () =>
    new ApiError("idempotency_key_reused", "This Idempotency-Key was used with a different request"),
  idempotencyInProgress: () =>
    new ApiError("idempotency_request_in_progress", "A request with this Idempotency-Key is still in progress"),
  payloadTooLarge: (maxBytes?: number) =>
    maxBytes === undefined
      ? new ApiError("payload_too_large", "Request body too large")
      : new ApiError("payload_too_large", "The file exceeds the maximum upload size", { maxBytes }),
  unsupportedMediaType: (message = "Audio format not recognised; send .m4a, .mp3, .wav, .aac or .ogg") =>
    new ApiError("unsupported_media_type", message),
  methodNotAllowed: () => new ApiError("method_not_allowed", "Method not allowed"),
  rateLimited: (message = "Too many requests; slow down", retryAfterSeconds?: number) =>
    new ApiError("rate_limited", message, retryAfterSeconds === undefined ? undefined : { retryAfterSeconds }),
  notFound: () => new ApiError("not_found", "Route not found"),
  internal: () => new ApiError("internal_error", "Internal server error"),
  analysisFailed: (reason: string) =>
    new ApiError("analysis_failed", "The analysis could not be produced; the previous analysis is unchanged", {
      reason,
    }),
  storageUnavailable: () => new ApiError("storage_unavailable", "Storage is unavailable; nothing was saved"),
  webhookNotFound: () => new ApiError("webhook_not_found", "Webhook endpoint not found"),
  webhookDeliveryNotFound: () => new ApiError("webhook_delivery_not_found", "Webhook delivery not found"),
  contactNotFound: () => new ApiError("contact_not_found", "Contact not found"),
  webhookDeliveryPending: () =>
    new ApiError(
      "webhook_delivery_pending",
      "The delivery is still being attempted; redeliver it once it has finished",
    ),
  headersTooLarge: () => new ApiError("headers_too_large", "Request headers are too large"),
  invalidSearchQuery: () =>
    new ApiError("invalid_search_query", "The search query has no words to search for", {
      fields: [{ path: "q", message: "needs at least one word (letters or digits)" }],
    }),
  requestTimeout: () => new ApiError("request_timeout", "The request was not received in time"),
  /** The identity provider's keys could not be fetched: retry soon; the credentials may well be fine. */
  authUnavailable: (retryAfterSeconds = 5) =>
    new ApiError("auth_unavailable", "Authentication is temporarily unavailable; try again shortly", {
      retryAfterSeconds,
    }),
};

/** An operation's error responses for the OpenAPI meta, grouped by status: `{404: "call_not_found / …"}`. */
export function errorResponses(...codes: ApiErrorCode[]): Record<number, string> {
  const byStatus: Record<number, string> = {};
  for (const code of codes) {
    const status = API_ERROR_STATUS[code];
    byStatus[status] = byStatus[status] ? `${byStatus[status]} / ${code}` : code;
  }
  return byStatus;
}

const TRPC_CODE_BY_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: "BAD_REQUEST",
  401: "UNAUTHORIZED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  405: "METHOD_NOT_SUPPORTED",
  408: "TIMEOUT",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE_CONTENT",
  429: "TOO_MANY_REQUESTS",
  503: "SERVICE_UNAVAILABLE",
};

export function toTRPCError(error: ApiError): TRPCError {
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[error.status] ?? "INTERNAL_SERVER_ERROR",
    message: error.message,
    cause: error,
  });
}

/**
 * The tRPC error envelope around an ApiError, for answers the HTTP layer gives
 * under /trpc before tRPC itself runs (body too large, wrong content type,
 * unknown path, guards): the same `error.data.error` object the router's
 * errorFormatter produces (docs/contract.md § Errors), so typed clients keep working.
 */
export function trpcErrorEnvelope(error: ApiError, path?: string) {
  const key = TRPC_CODE_BY_STATUS[error.status] ?? "INTERNAL_SERVER_ERROR";
  return {
    error: {
      message: error.message,
      code: TRPC_ERROR_CODES_BY_KEY[key],
      data: {
        code: key,
        httpStatus: error.status,
        ...(path !== undefined && { path }),
        error: error.toBody(),
      },
    },
  };
}

/** Field-level details from zod issues: `{ fields: [{ path, message }] }`. */
export function zodDetails(error: ZodError): Record<string, unknown> {
  return {
    fields: error.issues.map((issue) => ({
      path: issue.path.map(String).join(".") || "(root)",
      message: issue.message,
    })),
  };
}

/**
 * Maps anything thrown inside a procedure (or the HTTP layer) to an ApiError.
 * Unknown errors become an opaque 500: no message, no stack leaves the server.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) return errors.validation("Request validation failed", zodDetails(error));
  if (error instanceof TRPCError) {
    if (error.cause instanceof ApiError) return error.cause;
    if (error.cause instanceof ZodError) return errors.validation("Request validation failed", zodDetails(error.cause));
    if (error.cause && "issues" in error.cause && Array.isArray((error.cause as { issues: unknown }).issues))
      return errors.validation("Request validation failed", zodDetails(error.cause as ZodError));
    switch (error.code) {
      case "PARSE_ERROR":
      case "BAD_REQUEST":
        return errors.validation("Request could not be parsed");
      case "NOT_FOUND":
        return errors.notFound();
      case "PAYLOAD_TOO_LARGE":
        return errors.payloadTooLarge();
      case "UNSUPPORTED_MEDIA_TYPE":
        return errors.unsupportedMediaType("Send a JSON body with Content-Type: application/json");
      case "METHOD_NOT_SUPPORTED":
        return errors.methodNotAllowed();
      default:
        return errors.internal();
    }
  }
  return errors.internal();
}
