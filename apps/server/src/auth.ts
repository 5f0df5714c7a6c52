import type { FastifyRequest } from "fastify";
import { ApiError, type Principal } from "@scryon/api";
import { AuthError, verifyApiKey, type Authenticator } from "@scryon/auth";

/**
 * Per-request authentication: the API-key guard first (when configured), then
 * the identity (Firebase token, or the fixed local-dev user). Failures become
 * ApiErrors in the documented shape.
 */
export function createRequestAuthenticator(options: { apiKey: string | null; authenticator: Authenticator }) {
  return async (request: FastifyRequest): Promise<Principal> => {
    if (options.apiKey !== null) {
      const provided = request.headers["x-scryon-api-key"];
      if (provided === undefined || provided === "") throw new ApiError(401, "auth_missing", "Authentication required");
      if (typeof provided !== "string" || !verifyApiKey(provided, options.apiKey))
        throw new ApiError(401, "auth_invalid", "Invalid or expired credentials");
    }
    try {
      const principal = await options.authenticator.authenticate(request.headers.authorization);
      return { authUid: principal.uid, email: principal.email, displayName: principal.name };
    } catch (error) {
      if (error instanceof AuthError) {
        request.log.info({ code: error.code, reason: error.reason }, "authentication refused");
        throw new ApiError(error.status, error.code, error.message);
      }
      throw error;
    }
  };
}
