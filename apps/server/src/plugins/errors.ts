import { ApiError, errors, toApiError } from "@scryon/api";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * Every error leaves the server as `{"error": {code, message, details?}}`
 * (docs/contract.md § Errors): Fastify's own errors (bad JSON, body too large, rate limit), unknown
 * routes, and anything unexpected — which is logged and answered as an opaque
 * 500 with no stack trace.
 */
export const errorsPlugin = fp(async (app: FastifyInstance) => {
  app.setNotFoundHandler((_request, reply) => {
    void reply.code(404).send({ error: errors.notFound().toBody() });
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string; validation?: unknown }, request, reply) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error.statusCode === 429) apiError = new ApiError(429, "rate_limited", "Too many requests; slow down");
    else if (error.statusCode === 413 || error.code === "FST_REQ_FILE_TOO_LARGE")
      apiError = new ApiError(413, "payload_too_large", "Request body too large");
    else if (error.statusCode === 415)
      apiError = new ApiError(415, "unsupported_media_type", "Unsupported content type");
    else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500)
      apiError = errors.validation(
        error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
          ? "Body is not valid JSON"
          : "Request could not be parsed",
      );
    else apiError = toApiError(error);

    if (apiError.status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: apiError.code, status: apiError.status }, "request refused");
    const retryAfter = apiError.details?.retryAfterSeconds;
    if (typeof retryAfter === "number") void reply.header("retry-after", String(retryAfter));
    void reply.code(apiError.status).send({ error: apiError.toBody() });
  });
});
