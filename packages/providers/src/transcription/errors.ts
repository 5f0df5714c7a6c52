import { ProviderError } from "../types";

/**
 * One mapping from a provider's HTTP answer to a stable code, shared by every
 * transcription adapter, so a classifier downstream sees the same codes whichever
 * provider is configured. 429 and 5xx are transient; other 4xx are permanent.
 */
export function transcriptionHttpError(
  status: number,
  retryAfterSeconds: number | null,
  cause: unknown,
): ProviderError {
  const options = { cause, httpStatus: status, ...(retryAfterSeconds !== null && { retryAfterSeconds }) };
  if (status === 401 || status === 403) {
    return new ProviderError(
      "transcription_auth_failed",
      `Transcription provider refused the credentials (HTTP ${status})`,
      false,
      options,
    );
  }
  if (status === 413) {
    return new ProviderError(
      "transcription_audio_too_large",
      "Transcription provider refused the audio as too large (HTTP 413)",
      false,
      options,
    );
  }
  if (status === 429) {
    return new ProviderError(
      "transcription_rate_limited",
      "Transcription provider is rate limiting (HTTP 429)",
      true,
      options,
    );
  }
  if (status === 408) {
    return new ProviderError(
      "transcription_timeout",
      "Transcription provider timed out the request (HTTP 408)",
      true,
      options,
    );
  }
  if (status >= 400 && status < 500) {
    return new ProviderError(
      "transcription_http_4xx",
      `Transcription provider rejected the request (HTTP ${status})`,
      false,
      options,
    );
  }
  return new ProviderError(
    "transcription_unavailable",
    `Transcription provider failed (HTTP ${status})`,
    true,
    options,
  );
}

export function transcriptionAborted(cause?: unknown): ProviderError {
  return new ProviderError("transcription_aborted", "Transcription was cancelled", false, { cause });
}

export function transcriptionTimeout(cause?: unknown): ProviderError {
  return new ProviderError("transcription_timeout", "Transcription provider did not answer in time", true, { cause });
}

/** Waits, or rejects with `transcription_aborted` as soon as the signal fires. */
export function abortableDelay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(transcriptionAborted());
    const onAbort = () => {
      clearTimeout(timer);
      reject(transcriptionAborted());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * The first try plus one quick retry, for retryable faults only. A Retry-After
 * longer than a second is not waited out here: the error goes up and the
 * pipeline reschedules the call through the queue (docs/contract.md § Pipeline),
 * so no worker slot sleeps.
 */
const IN_PROCESS_WAIT_LIMIT_MS = 1000;

export async function withRequestRetry<T>(
  attempt: () => Promise<T>,
  signal: AbortSignal | undefined,
  { maxAttempts = 2, delayMs = 500 }: { maxAttempts?: number; delayMs?: number } = {},
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      const retry = error instanceof ProviderError && error.retryable && tries < maxAttempts;
      if (!retry) throw error;
      const wait = error.retryAfterSeconds !== null ? error.retryAfterSeconds * 1000 : delayMs;
      if (wait > IN_PROCESS_WAIT_LIMIT_MS) throw error;
      await abortableDelay(wait, signal);
    }
  }
}
