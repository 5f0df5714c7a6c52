import { ApiError, errors, type Principal } from "@scryon/api";
import { AuthError, type Authenticator, verifyApiKey } from "@scryon/auth";
import type { FastifyRequest } from "fastify";

/**
 * Counts authentication failures per client address in a fixed window; past the
 * limit the address gets 429 until the window ends, so tokens and API keys
 * cannot be guessed at speed. Successful requests are never limited here.
 */
export function createAuthFailureLimiter(options: { maxFailures: number; windowMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const failures = new Map<string, { count: number; resetAt: number }>();
  return {
    check(address: string): void {
      const entry = failures.get(address);
      if (!entry) return;
      if (entry.resetAt <= now()) failures.delete(address);
      else if (entry.count >= options.maxFailures)
        throw errors.rateLimited(
          "Too many failed authentication attempts; try again later",
          Math.ceil((entry.resetAt - now()) / 1000),
        );
    },
    recordFailure(address: string): void {
      const entry = failures.get(address);
      if (!entry || entry.resetAt <= now()) failures.set(address, { count: 1, resetAt: now() + options.windowMs });
      else entry.count++;
      // Bound memory under a spray of addresses: forget the oldest windows first.
      if (failures.size > 10_000) for (const key of [...failures.keys()].slice(0, 1000)) failures.delete(key);
    },
  };
}

/**
 * Per-request authentication: the API-key guard first (when configured), then
 * the identity (Firebase token, or the fixed local-dev user). Failures become
 * ApiErrors in the documented shape, and repeated failures from one address 429.
 */
export function createRequestAuthenticator(options: {
  apiKey: string | null;
  authenticator: Authenticator;
  failureLimiter?: ReturnType<typeof createAuthFailureLimiter>;
}) {
  const limiter = options.failureLimiter ?? createAuthFailureLimiter({ maxFailures: 20, windowMs: 60_000 });
  return async (request: FastifyRequest): Promise<Principal> => {
    limiter.check(request.ip);
    try {
      return await authenticate(request);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) limiter.recordFailure(request.ip);
      throw error;
    }
  };

  async function authenticate(request: FastifyRequest): Promise<Principal> {
    if (options.apiKey !== null) {
      const provided = request.headers["x-scryon-api-key"];
      if (provided === undefined || provided === "") throw errors.authMissing();
      if (typeof provided !== "string" || !verifyApiKey(provided, options.apiKey)) throw errors.authInvalid();
    }
    try {
      const principal = await options.authenticator.authenticate(request.headers.authorization);
      return { authUid: principal.uid, email: principal.email, displayName: principal.name };
    } catch (error) {
      if (error instanceof AuthError) {
        request.log.info({ code: error.code, reason: error.reason }, "authentication refused");
        throw new ApiError(error.code, error.message);
      }
      throw error;
    }
  }
}
