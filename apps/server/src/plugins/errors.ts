import { ApiError, errors, toApiError } from "@scryon/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";

type HttpError = Error & { statusCode?: number; code?: string; validation?: unknown };

/**
 * Any error that reaches the HTTP layer (ours, Fastify's, a plugin's) as the
 * ApiError the client gets. Unknown errors are an opaque 500.
 */
export function httpErrorToApiError(error: HttpError): ApiError {
  if (error instanceof ApiError) return error;
  if (error.statusCode === 429) return errors.rateLimited();
  if (error.statusCode === 413 || error.code === "FST_REQ_FILE_TOO_LARGE") return errors.payloadTooLarge();
  if (error.statusCode === 415) return errors.unsupportedMediaType("Unsupported content type");
  // busboy (under @fastify/multipart) on `Content-Type: multipart/form-data` without a boundary.
  if (/^(Multipart: )?Boundary not found$/i.test(error.message))
    return errors.validation("Send multipart/form-data with a boundary and a `file` part");
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
    return errors.validation(
      error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
        ? "Body is not valid JSON"
        : "Request could not be parsed",
    );
  return toApiError(error);
}

/** Logs the refusal (errors at error level with the cause, refusals at info) and sets Retry-After when due. */
export function prepareErrorReply(apiError: ApiError, cause: unknown, request: FastifyRequest, reply: FastifyReply) {
  if (apiError.status >= 500 && apiError.code !== "auth_unavailable")
    request.log.error({ err: cause }, "request failed");
  else request.log.info({ code: apiError.code, status: apiError.status }, "request refused");
  const retryAfter = apiError.details?.retryAfterSeconds;
  if (typeof retryAfter === "number") void reply.header("retry-after", String(retryAfter));
  void reply.code(apiError.status);
}

/**
 * Every error leaves the server as `{"error": {code, message, details?}}`
 * (docs/contract.md § Errors): Fastify's own errors (bad JSON, body too large, rate limit), unknown
 * routes, and anything unexpected — which is logged and answered as an opaque
 * 500 with no stack trace. (Under /trpc the same object travels in the tRPC
 * envelope: see api.ts.)
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ error: errors.notFound().toBody() });
  });

  app.setErrorHandler((error: HttpError, request, reply) => {
    const apiError = httpErrorToApiError(error);
    prepareErrorReply(apiError, error, request, reply);
    void reply.send({ error: apiError.toBody() });
  });
});
