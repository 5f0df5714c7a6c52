import { TRPCError } from "@trpc/server";
import { type TRPC_ERROR_CODE_KEY, TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ZodError } from "zod";

/** The wire shape of every error (docs/contract.md § Errors): `{"error": {code, message, details?}}`. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/**
 * A domain error with its HTTP status and stable code. Messages are short and
 * carry no PII; field-level problems go in `details`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }

  toBody(): ApiErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export const errors = {
  validation: (message = "Request validation failed", details?: Record<string, unknown>) =>
    new ApiError(400, "validation_failed", message, details),
  callNotFound: () => new ApiError(404, "call_not_found", "Call not found"),
  actionItemNotFound: () => new ApiError(404, "action_item_not_found", "Action item not found"),
  analysisNotFound: () => new ApiError(404, "analysis_not_found", "No analysis exists for this call yet"),
  transcriptNotFound: () => new ApiError(404, "transcript_not_found", "No stored transcript for this call"),
  callNotCompleted: (status: string) =>
    new ApiError(422, "call_not_completed", "The call has not completed processing", { status }),
  stateConflict: (status: string) =>
    new ApiError(409, "call_state_conflict", "The call is not in a state that allows this", { status }),
  idempotencyConflict: () =>
    new ApiError(409, "idempotency_key_reused", "This Idempotency-Key was used with a different request"),
  idempotencyInProgress: () =>
    new ApiError(409, "idempotency_request_in_progress", "A request with this Idempotency-Key is still in progress"),
  payloadTooLarge: (maxBytes: number) =>
    new ApiError(413, "payload_too_large", "The file exceeds the maximum upload size", { maxBytes }),
  unsupportedMediaType: (message = "Audio format not recognised; send .m4a, .mp3, .wav, .aac or .ogg") =>
    new ApiError(415, "unsupported_media_type", message),
  notFound: () => new ApiError(404, "not_found", "Route not found"),
  headersTooLarge: () => new ApiError(431, "headers_too_large", "Request headers are too large"),
  requestTimeout: () => new ApiError(408, "request_timeout", "The request was not received in time"),
  internal: () => new ApiError(500, "internal_error", "Internal server error"),
  /** The identity provider's keys could not be fetched: retry soon; the credentials may well be fine. */
  authUnavailable: (retryAfterSeconds = 5) =>
    new ApiError(503, "auth_unavailable", "Authentication is temporarily unavailable; try again shortly", {
      retryAfterSeconds,
    }),
  storageUnavailable: () => new ApiError(503, "storage_unavailable", "Storage is unavailable; nothing was saved"),
};

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
        return new ApiError(413, "payload_too_large", "Request body too large");
      case "UNSUPPORTED_MEDIA_TYPE":
        return new ApiError(415, "unsupported_media_type", "Send a JSON body with Content-Type: application/json");
      case "METHOD_NOT_SUPPORTED":
        return new ApiError(405, "method_not_allowed", "Method not allowed");
      default:
        return errors.internal();
    }
  }
  return errors.internal();
}
