/** Facts both schemas declare, beyond the enum lists in model.ts. */

/** An attempt as stored in the JSON log: the instant as epoch milliseconds. */
export interface StoredAttempt {
  attempt: number;
  at: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}
