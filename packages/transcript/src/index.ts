export type { AlignedTranscript, AlignedUnit, AlignmentGranularity } from "./align";
export { alignTranscript } from "./align";
export {
  applySpeakerCorrections,
  type CorrectionContext,
  isAcceptableSpeakerName,
  planSpeakerCorrection,
  type SpeakerCorrection,
  type SpeakerCorrectionPatch,
} from "./corrections";
export type { BuildTranscriptDocumentInput, TranscriptDocumentMetadata } from "./document";
export { assembleTranscriptDocument, buildTranscriptDocument, TRANSCRIPT_ALGORITHM_VERSIONS } from "./document";
export type { TranscriptErrorCode } from "./errors";
export { TranscriptError } from "./errors";
export type { CleanTextSegment } from "./format";
export { formatCleanText } from "./format";
export type {
  CallDirection,
  SpeakerContext,
  SpeakerTurnInput,
  TimedSegmentInput,
  TimedWordInput,
  TranscriptionInput,
  VoiceMatchInput,
} from "./input";
export type { NormalizedSegment, NormalizedSpeaker, NormalizedTranscript } from "./normalize";
export { MAX_PAUSE_WITHIN_SEGMENT_SECONDS, normalizeTranscript } from "./normalize";
export { restorePunctuation } from "./punctuation";
export {
  addRedactionCounts,
  emptyRedactionCounts,
  findPii,
  ibanValid,
  luhnValid,
  PII_TYPES,
  type PiiSpan,
  type PiiType,
  REDACTION_VERSION,
  type RedactionCounts,
  redactAlignedUnits,
  redactText,
  redactTimedUnits,
  redactTranscriptionResult,
  type TimedText,
  totalRedactions,
} from "./redact";
export type { ResolvedSpeakers } from "./resolve";
export { resolveSpeakers, SPEAKER_RESOLUTION_STRATEGY_VERSION, unresolvedSpeakers } from "./resolve";
export type {
  LabelSource,
  RedactionSummary,
  RoleSource,
  SpeakerConfidence,
  SpeakerResolution,
  SpeakerResolutionWarning,
  SpeakerRole,
  TranscriptDocument,
  TranscriptSegment,
  TranscriptSpeaker,
  VoiceMatchStatus,
} from "./schema";
export {
  labelSourceSchema,
  redactionSummarySchema,
  roleSourceSchema,
  speakerConfidenceSchema,
  speakerResolutionSchema,
  speakerResolutionWarningSchema,
  speakerRoleSchema,
  TRANSCRIPT_SCHEMA_VERSION,
  transcriptDocumentSchema,
  transcriptSegmentSchema,
  transcriptSpeakerSchema,
  voiceMatchStatusSchema,
} from "./schema";
export {
  type CueSegment,
  cueSegmentsOf,
  formatSubRipTime,
  formatWebVttTime,
  TRANSCRIPT_EXPORT_FORMATS,
  type TranscriptExportFormat,
  toPlainTranscript,
  toSubRip,
  toWebVtt,
} from "./subtitles";
