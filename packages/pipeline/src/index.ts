export { type Stage, StageError } from "./events";
export { toActionItemRows, toAnalysisInput } from "./mapping";
export {
  type CallFinished,
  createPipeline,
  type Pipeline,
  type PipelineLogger,
  type PipelineOptions,
  type ProcessOutcome,
} from "./pipeline";
export type { RetryPolicy } from "./retry";
export { createSweepers, type SweeperOptions } from "./sweepers";
export { enqueueCall, PROCESS_CALL_JOB, removeCallJobs, startPipelineWorkers } from "./worker";
