export { type Stage, StageError } from "./events";
export { toActionItemRows, toAnalysisInput } from "./mapping";
export {
  type CallFinished,
  createPipeline,
  type Pipeline,
  type PipelineLogger,
  type PipelineOptions,
} from "./pipeline";
export { createSweepers, type SweeperOptions } from "./sweepers";
export { enqueueCall, PROCESS_CALL_JOB, removeCallJobs, startPipelineWorkers } from "./worker";
