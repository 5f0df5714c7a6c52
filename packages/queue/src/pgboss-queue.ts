import { randomUUID } from "node:crypto";
import pg from "pg";
import PgBoss from "pg-boss";
import { DeferJob, type Job, type JobData, type JobQueue, type SendOptions, type WorkOptions } from "./job-queue";

export interface PgBossQueueOptions {
  /** A postgres:// connection string; usually the application's own database. */
  connectionString: string;
  /** The PostgreSQL schema pg-boss keeps its tables in (default "pgboss"). */
  schema?: string;
  /**
   * A running job not finished after this long is treated as abandoned (its
   * worker died) and handed to another worker, spending one retry. pg-boss 10
   * measures this from the start of the job — there is no heartbeat — so it
   * must exceed the longest legitimate run. Default 15 minutes.
   */
  expireInSeconds?: number;
  /** Defaults for jobs whose send() does not say (3 retries, 1 s, exponential backoff). */
  retryLimit?: number;
  retryDelayMs?: number;
  retryBackoff?: boolean;
  /** How often an idle worker looks for jobs (default 2 s; at least 0.5 s). */
  pollIntervalMs?: number;
  /** How often expired jobs are swept back into the queue (default 60 s). */
  maintenanceIntervalSeconds?: number;
  /** pg-boss's connection pool size (default 10). */
  maxConnections?: number;
  /** pg-boss's background faults (a poll that lost its connection, …); they are retried on the next poll. */
  onError?: (error: Error) => void;
}

/** Where jobs go once their retries are spent, kept for operators to inspect or replay. */
export const deadLetterQueueName = (name: string): string => `${name}.dead`;

/**
 * The scale-out queue: pg-boss 10 on the application's PostgreSQL, so any
 * number of worker processes share one queue per job name.
 *
 * Each queue uses pg-boss's `stately` policy. Its unique index allows, per
 * singleton key, at most one job in each of the states created, retry and
 * active — so a call is never processed by two workers at once, and a second
 * send while one is already waiting is refused (send returns null). A send
 * without a singleton key gets a key of its own, since stately would otherwise
 * treat every key-less job of the queue as one. Known pg-boss 10 trade-off: a
 * waiting job whose key is still running blocks the head of its queue until
 * that run finishes or expires; our only such sends are sweeper re-queues.
 *
 * Delivery is at-least-once. Failed handlers are retried with backoff; when the
 * retries are spent the job is failed and copied to the dead-letter queue.
 */
export function createPgBossQueue(options: PgBossQueueOptions): JobQueue {
  const pollingIntervalSeconds = Math.max(0.5, (options.pollIntervalMs ?? 2000) / 1000);
  const onError =
    options.onError ?? ((error: Error) => process.emitWarning(`pg-boss: ${error.message}`, { code: "SCRYON_QUEUE" }));
  const boss = new PgBoss({
    connectionString: options.connectionString,
    schema: options.schema ?? "pgboss",
    max: options.maxConnections ?? 10,
    application_name: "scryon-queue",
    // Cron schedules are not used; expiry and archiving run in maintenance.
    schedule: false,
    maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 60,
  });
  boss.on("error", onError);

  // For the one multi-step change pg-boss has no single call for: completing a deferred job and
  // queuing its successor, in one transaction (a crash in between must neither lose the job
  // nor leave it active, which would block its successor until it expires).
  let txPool: pg.Pool | undefined;
  const inTransaction = async (work: (db: PgBoss.Db) => Promise<void>) => {
    txPool ??= new pg.Pool({ connectionString: options.connectionString, max: 2, application_name: "scryon-queue" });
    const client = await txPool.connect();
    try {
      await client.query("BEGIN");
      await work({ executeSql: (text, values) => client.query(text, values) });
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  const queues = new Map<string, Promise<void>>();
  const workerIds = new Map<string, string[]>();
  let booted: Promise<unknown> | undefined;
  let stopped = false;
  /** API-only processes send without ever calling start(), so the first use boots pg-boss (installing its schema if needed). */
  const boot = () => {
    if (stopped) return Promise.reject(new Error("queue is stopped"));
    booted ??= boss.start().catch((error: unknown) => {
      booted = undefined;
      throw error;
    });
    return booted;
  };

  /** Creates the queue and its dead-letter queue once per process; pg-boss makes creation idempotent across processes. */
  const ensureQueue = (name: string): Promise<void> => {
    let ready = queues.get(name);
    if (!ready) {
      const settings: PgBoss.Queue = {
        name,
        policy: "stately",
        retryLimit: options.retryLimit ?? 3,
        retryDelay: toSeconds(options.retryDelayMs ?? 1000),
        retryBackoff: options.retryBackoff ?? true,
        expireInSeconds: options.expireInSeconds ?? 15 * 60,
        deadLetter: deadLetterQueueName(name),
      };
      ready = (async () => {
        await boot();
        // Replicas starting together race to create the same queue (pg-boss 10 creates a
        // partition table per queue): the loser sees a deadlock or a duplicate; try again.
        for (let attempt = 1; ; attempt++) {
          try {
            await boss.createQueue(deadLetterQueueName(name), { name: deadLetterQueueName(name), policy: "standard" });
            await boss.createQueue(name, settings);
            break;
          } catch (error) {
            const code = (error as { code?: unknown }).code;
            if (attempt >= 5 || (code !== "40P01" && code !== "23505" && code !== "42P07")) throw error;
            await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
          }
        }
        // A queue created by an earlier deployment picks up the current settings.
        await boss.updateQueue(name, settings);
      })();
      ready.catch(() => queues.delete(name));
      queues.set(name, ready);
    }
    return ready;
  };

  /** Wakes a local worker so a job runs now rather than at its next poll. */
  const nudge = (name: string) => {
    const ids = workerIds.get(name);
    if (!ids || stopped) return;
    for (const id of ids) boss.notifyWorker(id);
  };

  return {
    kind: "pg-boss",
    async start() {
      await boot();
    },
    async removeJobs(name, singletonKey) {
      await boot();
      // pg-boss 10 keeps live jobs in `job` and finished ones in `archive`. (The
      // dead-letter copy carries no singleton key; it holds only the job's data.)
      const schema = options.schema ?? "pgboss";
      let removed = 0;
      for (const table of ["job", "archive"]) {
        const result = (await boss
          .getDb()
          .executeSql(`DELETE FROM "${schema}"."${table}" WHERE name = $1 AND singleton_key = $2`, [
            name,
            singletonKey,
          ])) as { rowCount?: number | null };
        removed += result.rowCount ?? 0;
      }
      return removed;
    },
    async send(name, data, sendOptions: SendOptions = {}) {
      await ensureQueue(name);
      const id = randomUUID();
      const jobId = await boss.send(name, data, {
        id,
        singletonKey: sendOptions.singletonKey ?? id,
        ...(sendOptions.retryLimit !== undefined && { retryLimit: sendOptions.retryLimit }),
        ...(sendOptions.retryDelayMs !== undefined && { retryDelay: toSeconds(sendOptions.retryDelayMs) }),
        ...(sendOptions.startAfter && { startAfter: sendOptions.startAfter }),
      });
      if (jobId) nudge(name);
      return jobId;
    },
    async work<T extends JobData>(name: string, workOptions: WorkOptions, handler: (job: Job<T>) => Promise<void>) {
      await ensureQueue(name);
      const ids = workerIds.get(name) ?? [];
      workerIds.set(name, ids);
      // pg-boss 10 runs one fetched batch at a time per worker; concurrency is N workers of batch size 1.
      for (let i = 0; i < workOptions.concurrency; i++) {
        let workerId: string | undefined;
        workerId = await boss.work<T>(
          name,
          { batchSize: 1, includeMetadata: true, pollingIntervalSeconds },
          async ([job]: PgBoss.JobWithMetadata<T>[]) => {
            if (!job) return;
            try {
              await handler({ id: job.id, name: job.name, data: job.data, retryCount: job.retryCount });
            } catch (error) {
              if (!(error instanceof DeferJob)) throw error;
              // This run completes and its successor waits until the run-at (startAfter), atomically;
              // no retry is spent. pg-boss's own completion afterwards finds it done already.
              await inTransaction(async (db) => {
                // (name, id, data, options): pg-boss reads the third argument as the job's output.
                await boss.complete(name, job.id, undefined as unknown as object, { db });
                await boss.send(name, job.data as object, {
                  id: randomUUID(),
                  singletonKey: job.singletonKey ?? job.id,
                  retryLimit: job.retryLimit,
                  retryDelay: job.retryDelay,
                  retryBackoff: job.retryBackoff,
                  startAfter: error.until,
                  db,
                });
              });
              await error.afterDeferred?.().catch(() => undefined);
            } finally {
              // Busy workers fetch again at once instead of sleeping a poll interval.
              if (workerId && !stopped) setImmediate(() => boss.notifyWorker(workerId!));
            }
          },
        );
        ids.push(workerId);
      }
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      if (stopped) return;
      const wasBooted = booted;
      stopped = true;
      if (!wasBooted) return;
      await wasBooted.catch(() => undefined);
      // Graceful: no new fetches, running handlers get up to timeoutMs; what is
      // still running then is failed back to the queue (one retry spent) and
      // redelivered to another worker.
      await boss.stop({ graceful: true, wait: true, close: true, timeout: timeoutMs });
      await txPool?.end();
    },
  };
}

/** pg-boss counts retry delays in whole seconds. */
function toSeconds(ms: number): number {
  return Math.ceil(Math.max(0, ms) / 1000);
}
