import type { EgressData, Store } from "@scryon/db";

/** An outside service that received the call's audio or text (docs/contract.md § Egress ledger). */
export interface Egress {
  host: string;
  model: string | null;
  dataSent: EgressData;
}

import { classifyFault } from "./retry";

/** Stage names (docs/contract.md § Pipeline), recorded as processing events. */
export type Stage =
  | "AUDIO_PREPROCESSED"
  | "DIARIZED"
  | "TRANSCRIBED"
  | "TRANSCRIPT_ALIGNED"
  | "PII_REDACTED"
  | "TRANSCRIPT_NORMALIZED"
  | "VOICE_MATCH_STARTED"
  | "SPEAKER_REFINED"
  | "ANALYZED"
  | "ACTION_ITEMS_EXTRACTED";

/** A stage failure with a short PII-free code (becomes errorReason on hard stages). */
export class StageError extends Error {
  /** A transient provider fault (docs/contract.md § Pipeline): the stage may be tried again later. */
  readonly transient: boolean;
  readonly retryAfterMs: number | null;
  readonly stage: Stage | null;
  constructor(
    readonly code: string,
    options?: { cause?: unknown; stage?: Stage; transient?: boolean; retryAfterMs?: number | null },
  ) {
    super(code, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "StageError";
    const fault = options?.transient === undefined ? classifyFault(options?.cause) : null;
    this.transient = options?.transient ?? fault!.transient;
    this.retryAfterMs = options?.retryAfterMs ?? fault?.retryAfterMs ?? null;
    this.stage = options?.stage ?? null;
  }
}

export const errorCodeOf = (error: unknown, fallback: string): string => {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && /^[a-z0-9_]{1,64}$/.test(code) ? code : fallback;
};

/** Runs one stage, timing it and recording COMPLETED or FAILED with the error code. */
export async function runStage<T>(
  store: Store,
  callId: string,
  stage: Stage,
  provider: string | null,
  work: () => Promise<T>,
  options: {
    failureCode: string;
    providerOf?: (result: T) => string | null;
    /** Where the stage sent data: recorded on COMPLETED and FAILED (a failed upload may have arrived). */
    egress?: Egress | null;
    /** Egress known only from the result (which diarization source ran). */
    egressOf?: (result: T) => Egress | null;
  },
): Promise<T> {
  const started = performance.now();
  try {
    const result = await work();
    await store.events.add({
      callId,
      stage,
      status: "COMPLETED",
      durationMs: Math.round(performance.now() - started),
      provider: options.providerOf ? options.providerOf(result) : provider,
      errorCode: null,
      ...((options.egressOf ? options.egressOf(result) : options.egress) ?? {}),
    });
    return result;
  } catch (error) {
    const code = errorCodeOf(error, options.failureCode);
    await store.events.add({
      callId,
      stage,
      status: "FAILED",
      durationMs: Math.round(performance.now() - started),
      provider,
      errorCode: code,
      ...(options.egress ?? {}),
    });
    throw new StageError(code, { cause: error, stage });
  }
}

export async function skipStage(store: Store, callId: string, stage: Stage, reason: string): Promise<void> {
  await store.events.add({ callId, stage, status: "SKIPPED", durationMs: 0, provider: null, errorCode: reason });
}
