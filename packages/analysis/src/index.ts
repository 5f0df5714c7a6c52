export { groundDocument } from "./grounding";
export {
  type LegacyAliases,
  legacyAliasesSchema,
  type ServedAnalysisDocument,
  servedAnalysisDocumentSchema,
  withLegacyAliases,
} from "./legacy";
export { createLlmAnalyzer, type LlmAnalyzerOptions } from "./llm/analyzer";
export { type Pseudonymized, pseudonymize } from "./llm/pseudonymize";
export { createOfflineAnalyzer, OFFLINE_ANALYZER_VERSION } from "./offline/analyzer";
export { type OwnerSpeaker, type ReconciledOwner, reconcileActionItemOwners } from "./owners";
export { maskContactDetails } from "./privacy";
export {
  type ActionIntent,
  type ActionItem,
  ANALYSIS_SCHEMA_VERSION,
  type AnalysisDocument,
  actionIntentSchema,
  actionItemSchema,
  analysisDocumentSchema,
  type CallType,
  callTypeSchema,
  type IntentMetadata,
  intentMetadataSchema,
  sentimentLabel,
} from "./schema";
export {
  AnalysisError,
  type AnalysisInput,
  type AnalysisOutcome,
  type AnalysisSegment,
  type AnalysisSpeaker,
  type AnalyzeOptions,
  type Analyzer,
  type SpeakerRole,
  type TokenUsage,
} from "./types";
