export { buildAppRouter, createCaller, type AppRouter } from "./router";
export { buildOpenApiDocument, successStatuses } from "./openapi";
export {
  createInProcessContext,
  LOCAL_DEV_PRINCIPAL,
  type ApiDeps,
  type ApiSettings,
  type CallEvents,
  type CallStatusChange,
  type Logger,
  type PipelinePort,
  type Principal,
  type RequestContext,
} from "./context";
export { ApiError, errors, toApiError, type ApiErrorBody } from "./errors";
export { storeAudio, submitCall, type StoredAudio, type SubmitInput, type SubmitResult } from "./services/intake";
export { callMetadataSchema, type CallMetadata } from "./schemas";
export {
  formatSubRipTime,
  formatWebVttTime,
  renderDigest,
  toPlainTranscript,
  toSubRip,
  toWebVtt,
  type CueSegment,
  type DigestFormat,
  type DigestInput,
  type ExportedDocument,
  type TranscriptExportFormat,
} from "./services/export";
