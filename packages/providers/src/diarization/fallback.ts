import type { DiarizationRequest, DiarizationResult, DiarizationSource, DiarizationSourceName } from "../types";
import { ProviderError } from "../types";
import { singleSpeakerResult } from "./singleSpeaker";

export type DiarizationAttemptOutcome = "USED" | "NOT_APPLICABLE" | "FAILED";

/** What one source did; PII-free, meant for processing events and logs. */
export interface DiarizationAttempt {
  source: DiarizationSourceName;
  outcome: DiarizationAttemptOutcome;
  errorCode?: string;
  elapsedMs: number;
}

export interface DiarizationOutcome {
  result: DiarizationResult;
  attempts: DiarizationAttempt[];
}

/**
 * Tries the sources in order and keeps the first that finds turns. A source that
 * fails or does not apply hands over to the next; when none is left, the whole
 * recording is one speaker, so this never fails except on cancellation.
 */
export async function diarizeWithFallback(
  sources: readonly DiarizationSource[],
  request: DiarizationRequest,
): Promise<DiarizationOutcome> {
  const attempts: DiarizationAttempt[] = [];
  for (const source of sources) {
    throwIfCancelled(request.signal);
    const started = performance.now();
    const elapsedMs = () => Math.round(performance.now() - started);
    try {
      const result = await source.diarize(request);
      if (result && result.turns.length > 0) {
        attempts.push({ source: source.name, outcome: "USED", elapsedMs: elapsedMs() });
        return { result, attempts };
      }
      attempts.push({ source: source.name, outcome: "NOT_APPLICABLE", elapsedMs: elapsedMs() });
    } catch (error) {
      // Cancellation stops the chain; any other failure falls through to the next source.
      throwIfCancelled(request.signal);
      const errorCode = error instanceof ProviderError ? error.code : "diarization_source_failed";
      attempts.push({ source: source.name, outcome: "FAILED", errorCode, elapsedMs: elapsedMs() });
    }
  }
  attempts.push({ source: "SINGLE_SPEAKER", outcome: "USED", elapsedMs: 0 });
  return { result: singleSpeakerResult(request), attempts };
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted)
    throw new ProviderError("diarization_aborted", "Diarization was cancelled", false, { cause: signal.reason });
}
