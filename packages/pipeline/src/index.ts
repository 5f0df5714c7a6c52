export { createPipeline, type Pipeline, type PipelineLogger, type PipelineOptions } from "./pipeline";
export { StageError, type Stage } from "./events";
export { enqueueCall, startPipelineWorkers, PROCESS_CALL_JOB } from "./worker";
export { createSweepers, type SweeperOptions } from "./sweepers";
export { toActionItemRows, toAnalysisInput } from "./mapping";
