/**
 * The job queue contract, after pg-boss's primitives: `send` a job, `work` a
 * queue, jobs `retry` with backoff and `expire` when their worker stops
 * heartbeating. Delivery is at-least-once: a handler may see a job again after a
 * crash, so handlers must be idempotent (the pipeline's stages are).
 */
export interface Job<T = JobData> {
  id: string;
  name: string;
  data: T;
  /** 0 on the first delivery. */
  retryCount: number;
}

export type JobData = Record<string, unknown>;

/**
 * Thrown by a handler to run the same job again later without spending a retry:
 * the job goes back to the queue with a start time (SQLite run-at, pg-boss
 * `startAfter`), so no worker slot is held while it waits, and a worker that
 * dies meanwhile loses nothing (docs/architecture.md § One call, end to end).
 */
export class DeferJob extends Error {
  /**
   * @param afterDeferred runs once the job is durably waiting again, so what it
   * records can never claim a wait the queue does not hold (a crash before it
   * only loses the record).
   */
  constructor(
    readonly until: Date,
    readonly afterDeferred?: () => Promise<void>,
  ) {
    super("job deferred");
    this.name = "DeferJob";
  }
}

export interface SendOptions {
  /** At most one job with this key is waiting or running per queue. */
  singletonKey?: string;
  retryLimit?: number;
  retryDelayMs?: number;
  startAfter?: Date;
}

export interface WorkOptions {
  concurrency: number;
}

export interface JobQueue {
  readonly kind: "sqlite" | "pg-boss";
  start(): Promise<void>;
  /** Returns the job id, or null when a singleton job with that key is already pending. */
  send(name: string, data: JobData, options?: SendOptions): Promise<string | null>;
  work<T extends JobData>(name: string, options: WorkOptions, handler: (job: Job<T>) => Promise<void>): Promise<void>;
  /**
   * Removes every job of the queue with this singleton key, whatever its state
   * (waiting, running, done, failed) — for a resource that no longer exists.
   * A running handler is not interrupted; its completion then updates nothing.
   * Returns how many jobs were removed.
   */
  removeJobs(name: string, singletonKey: string): Promise<number>;
  /** Stops taking jobs; waits (up to timeoutMs) for running handlers, then releases the rest for redelivery. */
  stop(options?: { timeoutMs?: number }): Promise<void>;
}
