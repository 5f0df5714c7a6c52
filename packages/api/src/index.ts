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
} from "./context";
export { ApiError, type ApiErrorBody, errors, toApiError } from "./errors";
export { buildOpenApiDocument, successStatuses } from "./openapi";
export { type AppRouter, buildAppRouter, createCaller } from "./router";
export { type CallMetadata, callMetadataSchema } from "./schemas";
export { deleteAccount } from "./services/account";
export { purgeCall } from "./services/calls";
export { type DigestFormat, type DigestInput, renderDigest } from "./services/digest";
export type { ExportedDocument } from "./services/export";
export { type StoredAudio, type SubmitInput, type SubmitResult, storeAudio, submitCall } from "./services/intake";
