export {
  type ApiDeps,
  type ApiSettings,
  type CallEvents,
  type CallStatusChange,
  createInProcessContext,
  LOCAL_DEV_PRINCIPAL,
  type Logger,
  type PipelinePort,
  type Principal,
  type RequestContext,
  resolveUser,
  type WebhooksPort,
} from "./context";
export {
  API_ERROR_STATUS,
  ApiError,
  type ApiErrorBody,
  type ApiErrorCode,
  errors,
  toApiError,
  trpcErrorEnvelope,
} from "./errors";
export { buildOpenApiDocument, successStatuses } from "./openapi";
export { type AppRouter, buildAppRouter, createCaller } from "./router";
export {
  actionItemSchema,
  type CallMetadata,
  callMetadataSchema,
  type ServedAnalysis,
  type ServedTranscript,
  type SourceText,
  servedAnalysisSchema,
  servedTranscriptSchema,
  sourceTextSchema,
} from "./schemas";
export { deleteAccount } from "./services/account";
export { purgeCall } from "./services/calls";
export { linkUngroupedCalls } from "./services/contacts";
export { type DigestFormat, type DigestInput, renderDigest } from "./services/digest";
export type { ExportedDocument } from "./services/export";
export { type StoredAudio, type SubmitInput, type SubmitResult, storeAudio, submitCall } from "./services/intake";
export { reindexCall } from "./services/search";
