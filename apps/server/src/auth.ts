import { ApiError, errors, type Principal } from "@scryon/api";
import { AuthError, type Authenticator, verifyApiKey } from "@scryon/auth";
import type { FastifyRequest } from "fastify";

/**
 * Counts authentication failures per client address in a fixed window; past the
 * limit a *failing* request from that address gets 429 instead of 401 until the
 * window ends, so credentials cannot be guessed at speed and the guesser learns
 * nothing from the answers. A request whose credentials verify is never refused
 * here: a stale script behind the same proxy must not lock everyone else out.
 * The address is the client's as far as `SCRYON_TRUST_PROXY` lets Fastify see it.
 */
export function createAuthFailureLimiter(options: { maxFailures: number; windowMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const failures = new Map<string, { count: number; resetAt: number }>();
  return {
    /** Throws 429 when the address is already past its failures for this window. */
    check(address: string): void {
      const entry = failures.get(address);
      if (!entry) return;
      if (entry.resetAt <= now()) failures.delete(address);
      else if (entry.count >= options.maxFailures)
        throw errors.rateLimited(
          "Too many failed authentication attempts; try again later",
          Math.max(1, Math.ceil((entry.resetAt - now()) / 1000)),
        );
    },
    recordFailure(address: string): void {
      const entry = failures.get(address);
      if (!entry || entry.resetAt <= now()) {
        failures.delete(address);
        failures.set(address, { count: 1, resetAt: now() + options.windowMs });
      } else entry.count++;
      // Bound memory under a spray of addresses: forget the oldest windows first.
      if (failures.size > 10_000) for (const key of [...failures.keys()].slice(0, 1000)) failures.delete(key);
    },
  };
}

/**
 * Per-request authentication: the API-key guard first (when configured), then
 * the identity (Firebase token, or the fixed local-dev user). Failures become
 * ApiErrors in the documented shape; repeated failures from one address become
 * 429. An unreachable identity provider (503 auth_unavailable) is not the
 * caller's failure and is not counted.
 */
export function createRequestAuthenticator(options: {
  apiKey: string | null;
  authenticator: Authenticator;
  failureLimiter?: ReturnType<typeof createAuthFailureLimiter>;
}) {
  const limiter = options.failureLimiter ?? createAuthFailureLimiter({ maxFailures: 20, windowMs: 60_000 });
  return async (request: FastifyRequest): Promise<Principal> => {
    try {
      return await authenticate(request);
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        limiter.check(request.ip);
        limiter.recordFailure(request.ip);
      }
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
        if (error.code === "auth_unavailable") throw errors.authUnavailable();
        throw new ApiError(error.code, error.message);
      }
      throw error;
    }
  }
}
