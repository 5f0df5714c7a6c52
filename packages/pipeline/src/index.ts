export { type Stage, StageError } from "./events";
export { toActionItemRows, toAnalysisInput } from "./mapping";
export {
  createPipeline,
  type Pipeline,
  type PipelineLogger,
  type PipelineOptions,
  type ProcessOutcome,
} from "./pipeline";
export { CircuitBreakers, classifyFault, DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "./retry";
export { createSweepers, type SweeperOptions } from "./sweepers";
export { enqueueCall, PROCESS_CALL_JOB, startPipelineWorkers } from "./worker";
