/** A transcript-logic failure with a short, stable, PII-free code. */
export class TranscriptError extends Error {
  constructor(
    readonly code: TranscriptErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TranscriptError";
  }
}

export type TranscriptErrorCode = "transcript_invalid_timing";
