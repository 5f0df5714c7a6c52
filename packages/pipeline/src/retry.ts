/**
 * Provider outages (docs/contract.md § Pipeline): which faults are transient, how
 * long to wait before the next attempt, and the per-provider circuit breaker.
 */

export interface RetryPolicy {
  /** How long a call may keep retrying one stage, from its first transient fault. */
  windowMs: number;
  /** The first delay; each further attempt doubles it (with jitter). */
  baseDelayMs: number;
  /** The backoff never grows past this (a provider's Retry-After may ask for more). */
  maxDelayMs: number;
  /** After this many consecutive transient faults a provider's circuit opens. */
  circuitThreshold: number;
  /** How long an open circuit keeps new attempts away before letting one probe through. */
  circuitCooldownMs: number;
  /** Jitter source, [0, 1). */
  random?: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  windowMs: 30 * 60_000,
  baseDelayMs: 2_000,
  maxDelayMs: 5 * 60_000,
  circuitThreshold: 5,
  circuitCooldownMs: 30_000,
};

/** Codes that come with `retryable` but are not outages: the same request would fail the same way. */
const NOT_AN_OUTAGE = /(_invalid_response|_aborted)$/;

export interface FaultClass {
  transient: boolean;
  retryAfterMs: number | null;
}

/**
 * A ProviderError or AnalysisError anywhere on the cause chain decides: retryable
 * (network error, timeout, 5xx, 429, overloaded) and not a malformed answer →
 * transient. Everything else (auth refused, other 4xx, invalid audio) is permanent.
 */
export function classifyFault(error: unknown): FaultClass {
  for (let e = error, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const candidate = e as { retryable?: unknown; code?: unknown; retryAfterSeconds?: unknown };
    if (typeof candidate.retryable !== "boolean") continue;
    const code = typeof candidate.code === "string" ? candidate.code : "";
    const transient = candidate.retryable && !NOT_AN_OUTAGE.test(code);
    const retryAfter = typeof candidate.retryAfterSeconds === "number" ? candidate.retryAfterSeconds * 1000 : null;
    return { transient, retryAfterMs: transient ? retryAfter : null };
  }
  return { transient: false, retryAfterMs: null };
}

/** Exponential backoff with jitter (half fixed, half random), capped; a longer Retry-After wins. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfterMs: number | null): number {
  const random = policy.random ?? Math.random;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempt, 30));
  const jittered = exponential / 2 + (exponential / 2) * random();
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/**
 * One breaker per provider name, shared by every worker of the process: after
 * `threshold` consecutive transient faults it opens and calls wait instead of
 * hammering the provider; after the cooldown it half-opens and lets one attempt
 * through, whose outcome closes or re-opens it.
 */
export class CircuitBreakers {
  private readonly state = new Map<string, { failures: number; openUntil: number; probing: boolean }>();
  constructor(private readonly policy: Pick<RetryPolicy, "circuitThreshold" | "circuitCooldownMs">) {}

  /** Milliseconds to wait before this provider may be called; 0 when it may be called now. */
  waitMs(provider: string, now = Date.now()): number {
    const s = this.state.get(provider);
    if (!s || s.failures < this.policy.circuitThreshold) return 0;
    if (now < s.openUntil) return s.openUntil - now;
    // Half-open: one probe at a time.
    if (s.probing) return this.policy.circuitCooldownMs;
    s.probing = true;
    return 0;
  }

  success(provider: string): void {
    this.state.delete(provider);
  }

  failure(provider: string, now = Date.now()): void {
    const s = this.state.get(provider) ?? { failures: 0, openUntil: 0, probing: false };
    s.failures++;
    s.probing = false;
    if (s.failures >= this.policy.circuitThreshold) s.openUntil = now + this.policy.circuitCooldownMs;
    this.state.set(provider, s);
  }

  /** For the probe that neither succeeded nor failed transiently (a permanent fault): let the next one through. */
  release(provider: string): void {
    const s = this.state.get(provider);
    if (s) s.probing = false;
  }
}
