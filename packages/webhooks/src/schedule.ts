import type { PostResult } from "./post";

export interface RetryPolicy {
  /** The first retry waits between half of this and all of it (15 s by default: within 30 s). */
  baseDelayMs: number;
  /** The longest wait between two attempts (1 h by default). */
  maxDelayMs: number;
  /** Retries stop this long after the delivery was created or redelivered (24 h by default). */
  windowMs: number;
}

export type Verdict =
  | { kind: "succeeded" }
  | { kind: "retry"; retryAfterMs: number | null; error: string | null }
  | { kind: "stop"; reason: string; error: string | null };

/**
 * What an attempt's outcome means (docs/contract.md § Webhooks): 2xx is delivered; network
 * errors, timeouts, 5xx and 429 are retried; 410 Gone and every other answer
 * (4xx, an unfollowed 3xx) stop at once; a refused address stops too.
 */
export function judge(result: PostResult): Verdict {
  if (result.kind === "error") {
    if (result.error === "refused_address") return { kind: "stop", reason: "refused_address", error: result.error };
    return { kind: "retry", retryAfterMs: null, error: result.error };
  }
  const { statusCode } = result;
  if (statusCode >= 200 && statusCode < 300) return { kind: "succeeded" };
  const error = `http_${statusCode}`;
  if (statusCode === 429 || statusCode >= 500) return { kind: "retry", retryAfterMs: result.retryAfterMs, error };
  if (statusCode === 410) return { kind: "stop", reason: "gone", error };
  if (statusCode >= 300 && statusCode < 400) return { kind: "stop", reason: "redirect_not_followed", error };
  return { kind: "stop", reason: "client_error", error };
}

/**
 * The wait before attempt `attempts + 1`: exponential (base · 2^(attempts−1),
 * capped) with "equal jitter" (a uniform draw from the upper half), so
 * receivers that failed together do not get their retries together. A
 * `Retry-After` from the receiver replaces it, up to the window.
 */
export function retryDelayMs(
  attempts: number,
  policy: RetryPolicy,
  retryAfterMs: number | null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(0, retryAfterMs), policy.windowMs);
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(0, attempts - 1), 30));
  return Math.round(exponential / 2 + random() * (exponential / 2));
}
