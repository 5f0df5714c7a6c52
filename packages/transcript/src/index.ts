export type {
  CallDirection,
  SpeakerContext,
  SpeakerTurnInput,
  TimedSegmentInput,
  TimedWordInput,
  TranscriptionInput,
  VoiceMatchInput,
} from "./input";
export { TranscriptError } from "./errors";
export type { TranscriptErrorCode } from "./errors";

export { alignTranscript } from "./align";
export { restorePunctuation } from "./punctuation";
export type { AlignedTranscript, AlignedUnit, AlignmentGranularity } from "./align";
export { MAX_PAUSE_WITHIN_SEGMENT_SECONDS, normalizeTranscript } from "./normalize";
export type { NormalizedSegment, NormalizedSpeaker, NormalizedTranscript } from "./normalize";
export { resolveSpeakers, SPEAKER_RESOLUTION_STRATEGY_VERSION, unresolvedSpeakers } from "./resolve";
export type { ResolvedSpeakers } from "./resolve";
export { formatCleanText } from "./format";
export type { CleanTextSegment } from "./format";
export { assembleTranscriptDocument, buildTranscriptDocument, TRANSCRIPT_ALGORITHM_VERSIONS } from "./document";
export type { BuildTranscriptDocumentInput, TranscriptDocumentMetadata } from "./document";

export {
  labelSourceSchema,
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
export type {
  LabelSource,
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
