import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey, errors as joseErrors } from "jose";
import { AuthError } from "./errors";

export type CachedKeySetOptions = {
  url: string;
  /** Bound on one fetch of the key set; past it the attempt counts as "unreachable". */
  timeoutMs: number;
  /** Minimum time between refetches triggered by an unknown `kid` (forged kids must not hammer the endpoint). */
  cooldownMs?: number;
  /** Freshness when the server sends no usable `max-age`. */
  defaultMaxAgeMs?: number;
  now?: () => number;
};

const DEFAULT_COOLDOWN_MS = 30_000;
const DEFAULT_MAX_AGE_MS = 10 * 60_000;
/** After a failed refresh behind stale keys, wait this long before trying again in the background. */
const RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Google's signing keys, cached for their `max-age` and served **stale while the
 * key server is unreachable** (stale-if-error), so an outage of the key endpoint
 * does not turn valid tokens into 401s (docs/contract.md § Authentication and ownership).
 *
 * - Fresh keys: verified locally, no network.
 * - Expired keys: still used at once; one background refresh replaces them when it succeeds.
 * - No keys at all and the fetch fails: `auth_unavailable` (503) — we cannot tell a
 *   good token from a bad one, so we must not say "invalid".
 * - Unknown `kid`: one refetch per cooldown (key rotation); within the cooldown it is `auth_invalid`.
 */
export function createCachedKeySet(options: CachedKeySetOptions): JWTVerifyGetKey {
  const now = options.now ?? (() => Date.now());
  const cooldownMs = options.cooldownMs ?? DEFAULT_COOLDOWN_MS;
  const defaultMaxAgeMs = options.defaultMaxAgeMs ?? DEFAULT_MAX_AGE_MS;
  let cached: { getKey: JWTVerifyGetKey; expiresAt: number } | null = null;
  let lastAttemptAt = Number.NEGATIVE_INFINITY;
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | null = null;

  const refresh = (): Promise<void> => {
    inflight ??= (async () => {
      lastAttemptAt = now();
      try {
        const response = await fetch(options.url, {
          signal: AbortSignal.timeout(options.timeoutMs),
          headers: { accept: "application/json" },
          redirect: "error",
        });
        if (!response.ok) throw new Error(`key server answered ${response.status}`);
        const body = (await response.json()) as JSONWebKeySet;
        const getKey = createLocalJWKSet(body);
        cached = { getKey, expiresAt: now() + maxAgeMs(response.headers.get("cache-control"), defaultMaxAgeMs) };
      } catch (error) {
        lastFailureAt = now();
        throw error;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  };

  const unavailable = (error: unknown) =>
    new AuthError("auth_unavailable", isTimeout(error) ? "jwks_timeout" : "jwks_unavailable", { cause: error });

  return async (header, token) => {
    if (cached === null) {
      try {
        await refresh();
      } catch (error) {
        throw unavailable(error);
      }
    } else if (cached.expiresAt <= now() && now() - lastFailureAt >= RETRY_AFTER_FAILURE_MS) {
      // Stale: keep serving what we have; the refresh replaces it when it succeeds.
      refresh().catch(() => {});
    }
    const current = cached as unknown as { getKey: JWTVerifyGetKey };
    try {
      return await current.getKey(header, token);
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey) || now() - lastAttemptAt < cooldownMs) throw error;
      try {
        await refresh();
      } catch (refreshError) {
        throw unavailable(refreshError);
      }
      return (cached as unknown as { getKey: JWTVerifyGetKey }).getKey(header, token);
    }
  };
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** `max-age` from a Cache-Control header, in ms (the default when absent or unreadable). */
function maxAgeMs(cacheControl: string | null, fallback: number): number {
  const match = cacheControl ? /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl) : null;
  return match ? Number(match[1]) * 1000 : fallback;
}
