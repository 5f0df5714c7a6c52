import { DeferJob, type JobQueue } from "@scryon/queue";
import type { Pipeline } from "./pipeline";

export const PROCESS_CALL_JOB = "call.process";

/** Queues a call for processing; the singleton key keeps one job per call waiting or running. */
export async function enqueueCall(queue: JobQueue, callId: string): Promise<void> {
  await queue.send(PROCESS_CALL_JOB, { callId }, { singletonKey: callId, retryLimit: 3, retryDelayMs: 2000 });
}

/** Removes a deleted call's jobs from the queue (docs/contract.md § Privacy rules: deletion removes everything). */
export async function removeCallJobs(queue: JobQueue, callId: string): Promise<void> {
  await queue.removeJobs(PROCESS_CALL_JOB, callId);
}

export async function startPipelineWorkers(queue: JobQueue, pipeline: Pipeline, concurrency: number): Promise<void> {
  await queue.work<{ callId: string }>(PROCESS_CALL_JOB, { concurrency }, async (job) => {
    const outcome = await pipeline.processCall(job.data.callId);
    // A transient provider fault: the job waits in the queue, not in this handler (no slot held).
    if (outcome) throw new DeferJob(outcome.retryAt, outcome.record);
  });
}
