export {
  ANALYSIS_SCHEMA_VERSION,
  analysisDocumentSchema,
  actionItemSchema,
  actionIntentSchema,
  callTypeSchema,
  intentMetadataSchema,
  type AnalysisDocument,
  type ActionItem,
  type ActionIntent,
  type CallType,
  type IntentMetadata,
} from "./schema";
export {
  AnalysisError,
  type AnalysisInput,
  type AnalysisOutcome,
  type AnalysisSegment,
  type AnalysisSpeaker,
  type Analyzer,
  type AnalyzeOptions,
  type SpeakerRole,
  type TokenUsage,
} from "./types";
export { createOfflineAnalyzer, OFFLINE_ANALYZER_VERSION } from "./offline/analyzer";
export { createLlmAnalyzer, type LlmAnalyzerOptions } from "./llm/analyzer";
export { withLegacyAliases, type LegacyAliases } from "./legacy";
export { reconcileActionItemOwners, type OwnerSpeaker, type ReconciledOwner } from "./owners";
export { groundDocument } from "./grounding";
export { maskContactDetails } from "./privacy";
