import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { DeferJob, type Job, type JobData, type JobQueue, type SendOptions, type WorkOptions } from "./job-queue";

export interface SqliteQueueOptions {
  file: string;
  /** How long a running job stays claimed without a heartbeat before it is redelivered. */
  leaseMs?: number;
  pollIntervalMs?: number;
  defaultRetryLimit?: number;
  defaultRetryDelayMs?: number;
}

interface JobRow {
  id: string;
  name: string;
  data: string;
  retry_count: number;
  retry_limit: number;
  retry_delay_ms: number;
}

/**
 * A durable queue in a SQLite table: jobs survive restarts, claims are atomic
 * (one UPDATE … RETURNING), and a worker heartbeats its lease so a job whose
 * process died is redelivered once the lease runs out. Written here rather than
 * taken from a library because it shares the embedded database file and its
 * semantics with the pg-boss queue of the scale-out mode (singleton keys, retry
 * with backoff, expiry), which the SQLite libraries we looked at do not.
 */
export function createSqliteQueue(options: SqliteQueueOptions): JobQueue {
  const leaseMs = options.leaseMs ?? 30_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  if (options.file !== ":memory:") fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  db.pragma("journal_mode = WAL");
  db.pragma("busy_timeout = 5000");
  db.exec(`
    CREATE TABLE IF NOT EXISTS queue_jobs (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      data TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('created','active','completed','failed')),
      singleton_key TEXT,
      retry_count INTEGER NOT NULL DEFAULT 0,
      retry_limit INTEGER NOT NULL,
      retry_delay_ms INTEGER NOT NULL,
      start_after INTEGER NOT NULL,
      lease_until INTEGER,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      completed_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS queue_jobs_fetch_idx ON queue_jobs (name, state, start_after);
    CREATE INDEX IF NOT EXISTS queue_jobs_lease_idx ON queue_jobs (state, lease_until);
    CREATE UNIQUE INDEX IF NOT EXISTS queue_jobs_singleton_uq ON queue_jobs (name, singleton_key)
      WHERE singleton_key IS NOT NULL AND state IN ('created','active');
  `);

  const insert = db.prepare(
    `INSERT INTO queue_jobs (id, name, data, state, singleton_key, retry_limit, retry_delay_ms, start_after, created_at)
     VALUES (@id, @name, @data, 'created', @singletonKey, @retryLimit, @retryDelayMs, @startAfter, @now)
     ON CONFLICT DO NOTHING`,
  );
  const claim = db.prepare(
    `UPDATE queue_jobs SET state = 'active', lease_until = @leaseUntil
     WHERE id = (SELECT id FROM queue_jobs WHERE name = @name AND state = 'created' AND start_after <= @now
                 ORDER BY start_after, created_at LIMIT 1)
     RETURNING id, name, data, retry_count, retry_limit, retry_delay_ms`,
  );
  const heartbeat = db.prepare(`UPDATE queue_jobs SET lease_until = @leaseUntil WHERE id = @id AND state = 'active'`);
  const complete = db.prepare(
    `UPDATE queue_jobs SET state = 'completed', completed_at = @now, lease_until = NULL WHERE id = @id`,
  );
  const retryOrFail = db.prepare(
    `UPDATE queue_jobs SET
       state = CASE WHEN retry_count < retry_limit THEN 'created' ELSE 'failed' END,
       retry_count = retry_count + CASE WHEN retry_count < retry_limit THEN 1 ELSE 0 END,
       start_after = @now + retry_delay_ms * (1 << MIN(retry_count, 10)),
       completed_at = CASE WHEN retry_count < retry_limit THEN NULL ELSE @now END,
       lease_until = NULL, last_error = @error
     WHERE id = @id`,
  );
  // Deferred by its handler: waiting again until the run-at, with no retry spent.
  const defer = db.prepare(
    `UPDATE queue_jobs SET state = 'created', start_after = @startAfter, lease_until = NULL WHERE id = @id AND state = 'active'`,
  );
  // Released (graceful stop) jobs go back without spending a retry.
  const release = db.prepare(
    `UPDATE queue_jobs SET state = 'created', lease_until = NULL WHERE id = @id AND state = 'active'`,
  );
  const expire = db.prepare(
    `UPDATE queue_jobs SET
       state = CASE WHEN retry_count < retry_limit THEN 'created' ELSE 'failed' END,
       retry_count = retry_count + CASE WHEN retry_count < retry_limit THEN 1 ELSE 0 END,
       -- Behind the waiting jobs, with backoff: a job that keeps killing its worker
       -- must not be the first thing every restarted worker picks up.
       start_after = @now + retry_delay_ms * (1 << MIN(retry_count, 10)),
       completed_at = CASE WHEN retry_count < retry_limit THEN NULL ELSE @now END,
       lease_until = NULL, last_error = 'expired'
     WHERE state = 'active' AND lease_until < @now`,
  );
  const removeByKey = db.prepare(`DELETE FROM queue_jobs WHERE name = @name AND singleton_key = @singletonKey`);
  const purge = db.prepare(`DELETE FROM queue_jobs WHERE state IN ('completed','failed') AND completed_at < @before`);

  const workers: Array<{
    name: string;
    concurrency: number;
    handler: (job: Job) => Promise<void>;
    running: Set<string>;
  }> = [];
  let stopping = false;
  let started = false;
  let timer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  const inFlight = new Map<string, Promise<void>>();

  const tick = () => {
    if (stopping) return;
    const now = Date.now();
    expire.run({ now });
    for (const worker of workers) {
      while (worker.running.size < worker.concurrency && !stopping) {
        const row = claim.get({ name: worker.name, now, leaseUntil: now + leaseMs }) as JobRow | undefined;
        if (!row) break;
        worker.running.add(row.id);
        const job: Job = {
          id: row.id,
          name: row.name,
          data: JSON.parse(row.data) as JobData,
          retryCount: row.retry_count,
        };
        const run = worker
          .handler(job)
          .then(
            () => {
              if (db.open) complete.run({ id: row.id, now: Date.now() });
            },
            async (error: unknown) => {
              // After a timed-out stop the database is closed; the lease expiry redelivers.
              if (!db.open) return;
              if (error instanceof DeferJob) {
                defer.run({ id: row.id, startAfter: error.until.getTime() });
                await error.afterDeferred?.().catch(() => undefined);
              }
              // A handler interrupted by stop() is released, not failed.
              else if (stopping) release.run({ id: row.id });
              else
                retryOrFail.run({ id: row.id, now: Date.now(), error: error instanceof Error ? error.name : "error" });
            },
          )
          .finally(() => {
            worker.running.delete(row.id);
            inFlight.delete(row.id);
            if (!stopping) setImmediate(tick);
          });
        inFlight.set(row.id, run);
      }
    }
  };

  return {
    kind: "sqlite",
    async start() {
      if (started) return;
      started = true;
      stopping = false;
      purge.run({ before: Date.now() - 7 * 24 * 3_600_000 });
      timer = setInterval(tick, pollIntervalMs);
      timer.unref();
      heartbeatTimer = setInterval(
        () => {
          const leaseUntil = Date.now() + leaseMs;
          for (const id of inFlight.keys()) heartbeat.run({ id, leaseUntil });
        },
        Math.max(50, Math.floor(leaseMs / 3)),
      );
      heartbeatTimer.unref();
    },
    async send(name, data, sendOptions: SendOptions = {}) {
      const id = randomUUID();
      const now = Date.now();
      const result = insert.run({
        id,
        name,
        data: JSON.stringify(data),
        singletonKey: sendOptions.singletonKey ?? null,
        retryLimit: sendOptions.retryLimit ?? options.defaultRetryLimit ?? 3,
        retryDelayMs: sendOptions.retryDelayMs ?? options.defaultRetryDelayMs ?? 1000,
        startAfter: sendOptions.startAfter?.getTime() ?? now,
        now,
      });
      if (started && !stopping) setImmediate(tick);
      return result.changes > 0 ? id : null;
    },
    async removeJobs(name, singletonKey) {
      if (!db.open) return 0;
      return removeByKey.run({ name, singletonKey }).changes;
    },
    async work(name, workOptions: WorkOptions, handler) {
      workers.push({
        name,
        concurrency: workOptions.concurrency,
        handler: handler as (job: Job) => Promise<void>,
        running: new Set(),
      });
      if (started) setImmediate(tick);
    },
    async stop({ timeoutMs = 10_000 } = {}) {
      if (!started) {
        if (db.open) db.close();
        return;
      }
      stopping = true;
      clearInterval(timer);
      const pending = [...inFlight.values()];
      const timedOut = await Promise.race([
        Promise.allSettled(pending).then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), timeoutMs).unref()),
      ]);
      clearInterval(heartbeatTimer);
      if (timedOut) for (const id of inFlight.keys()) release.run({ id });
      started = false;
      workers.length = 0;
      if (db.open) db.close();
    },
  };
}
