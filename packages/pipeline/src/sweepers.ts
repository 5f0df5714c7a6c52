import type { Store } from "@scryon/db";
import type { JobQueue } from "@scryon/queue";
import { callIdOfKey, type ObjectStorage } from "@scryon/storage";
import { type CallFinished, notifyFinished, type PipelineLogger } from "./pipeline";
import { enqueueCall } from "./worker";

export interface SweeperOptions {
  store: Store;
  storage: ObjectStorage;
  queue: JobQueue;
  log: PipelineLogger;
  staleAfterMs: number;
  maxRequeues: number;
  tempAudioTtlMs: number;
  /** Objects younger than this are never orphans: an upload writes its file before its row. */
  orphanGraceMs?: number;
  /** Awaited after a stale call is failed (webhooks), like the pipeline's hook. */
  onCallFinished?: (call: CallFinished) => Promise<void>;
  /**
   * Retention (docs/contract.md § Retention and account deletion): calls older than their
   * owner's retentionDays (else `defaultDays`) are removed by `deleteCall`, the same code as DELETE.
   */
  retention?: { defaultDays: number | null; deleteCall: (userId: string, callId: string) => Promise<void> };
}

const BATCH = 200;

/**
 * The janitors (docs/contract.md § Pipeline and § Privacy rules): nothing stays non-terminal forever, raw
 * audio does not outlive its TTL, and objects of deleted calls are removed.
 */
export function createSweepers(options: SweeperOptions) {
  const { store, storage, queue, log } = options;
  const orphanGraceMs = options.orphanGraceMs ?? 3_600_000;

  /** Stale calls: re-queued a bounded number of times, then FAILED `stale_job`. */
  async function sweepStaleCalls(now = new Date()): Promise<{ requeued: number; failed: number }> {
    let requeued = 0;
    let failed = 0;
    const stale = await store.calls.findStale(new Date(now.getTime() - options.staleAfterMs), BATCH);
    for (const call of stale) {
      // Waiting out a provider outage: its job is queued with a start time, so it is not stuck.
      if (call.retryingUntil && call.retryingUntil.getTime() > now.getTime() - options.staleAfterMs) continue;
      if (call.status === "QUEUED") {
        // Waiting, not stuck: make sure a job exists (the singleton key dedupes) and refresh its clock.
        if (await store.calls.transition(call.id, ["QUEUED"], "QUEUED")) await enqueueCall(queue, call.id);
        requeued++;
      } else if (call.staleRequeues < options.maxRequeues) {
        if (await store.calls.transition(call.id, [call.status], "QUEUED", { staleRequeues: call.staleRequeues + 1 })) {
          await enqueueCall(queue, call.id);
          requeued++;
        }
      } else if (
        await store.calls.transition(call.id, [call.status], "FAILED", {
          errorReason: "stale_job",
          failureTransient: true,
        })
      ) {
        failed++;
        await notifyFinished(options, log, {
          callId: call.id,
          userId: call.userId,
          status: "FAILED",
          errorReason: "stale_job",
        });
      }
    }
    if (requeued + failed > 0) log.info({ requeued, failed }, "stale calls swept");
    return { requeued, failed };
  }

  async function sweepTempAudio(now = new Date()): Promise<number> {
    const expired = await store.artifacts.olderThan(
      "TEMP_AUDIO",
      new Date(now.getTime() - options.tempAudioTtlMs),
      BATCH,
    );
    for (const artifact of expired) {
      await storage.delete(artifact.storageKey);
      await store.artifacts.remove(artifact.callId, "TEMP_AUDIO");
    }
    if (expired.length > 0) log.info({ deleted: expired.length }, "expired temp audio deleted");
    return expired.length;
  }

  async function sweepOrphans(now = new Date()): Promise<number> {
    let deleted = 0;
    let batch: Array<{ key: string; callId: string }> = [];
    const flush = async () => {
      const existing = await store.calls.existingIds([...new Set(batch.map((o) => o.callId))]);
      for (const object of batch) {
        if (!existing.has(object.callId)) {
          await storage.delete(object.key);
          deleted++;
        }
      }
      batch = [];
    };
    for await (const object of storage.list("users/")) {
      const callId = callIdOfKey(object.key);
      if (!callId || now.getTime() - object.lastModified.getTime() < orphanGraceMs) continue;
      batch.push({ key: object.key, callId });
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    if (deleted > 0) log.info({ deleted }, "orphan objects deleted");
    return deleted;
  }

  /** Hard-deletes calls past their owner's retention, exactly as DELETE does. */
  async function sweepRetention(now = new Date()): Promise<number> {
    const retention = options.retention;
    if (!retention) return 0;
    let deleted = 0;
    for (;;) {
      const expired = await store.calls.expired(now, retention.defaultDays, BATCH);
      for (const call of expired) {
        await retention.deleteCall(call.userId, call.id);
        deleted++;
      }
      if (expired.length < BATCH) break;
    }
    if (deleted > 0) log.info({ deleted }, "calls past their retention deleted");
    return deleted;
  }

  async function sweepAll(): Promise<void> {
    for (const sweep of [
      sweepRetention,
      sweepStaleCalls,
      sweepTempAudio,
      sweepOrphans,
      () => store.idempotency.purgeBefore(new Date(Date.now() - 24 * 3_600_000)),
    ]) {
      try {
        await sweep();
      } catch (error) {
        log.error({ err: error instanceof Error ? error.name : "error" }, "sweeper failed");
      }
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    sweepStaleCalls,
    sweepTempAudio,
    sweepOrphans,
    sweepRetention,
    sweepAll,
    /** Runs every sweeper once now, then on the interval. */
    start(intervalMs: number) {
      running = sweepAll();
      timer = setInterval(() => {
        running = sweepAll();
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
