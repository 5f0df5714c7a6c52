import { alignTranscript } from "./align";
import { formatCleanText } from "./format";
import type { SpeakerContext, SpeakerTurnInput, TranscriptionInput } from "./input";
import { MAX_PAUSE_WITHIN_SEGMENT_SECONDS, normalizeTranscript } from "./normalize";
import type { ResolvedSpeakers } from "./resolve";
import { resolveSpeakers, SPEAKER_RESOLUTION_STRATEGY_VERSION } from "./resolve";
import type { RedactionSummary, TranscriptDocument } from "./schema";
import { TRANSCRIPT_SCHEMA_VERSION } from "./schema";

/** Versions of this package's algorithms, recorded in every document's `pipeline`. */
export const TRANSCRIPT_ALGORITHM_VERSIONS = {
  // v2: words take the provider segments' punctuation and casing.
  alignment: "max-overlap-sweep-v2",
  normalization: `first-appearance-ids-pause-${MAX_PAUSE_WITHIN_SEGMENT_SECONDS}s-v1`,
  speakerResolution: SPEAKER_RESOLUTION_STRATEGY_VERSION,
} as const;

export interface TranscriptDocumentMetadata {
  callId: string;
  language: string | null;
  durationSeconds: number | null;
  /** Providers, models and stage statuses, as the pipeline reports them. */
  pipeline: Record<string, unknown>;
  /** ISO-8601 timestamp. */
  createdAt: string;
  /** What the PII_REDACTED stage replaced (counts only). */
  redaction?: RedactionSummary;
}

/**
 * The transcript document from the resolved speakers: the last step, kept separate
 * so the pipeline can time alignment, normalisation and resolution as their own
 * processing events.
 */
export function assembleTranscriptDocument(
  metadata: TranscriptDocumentMetadata,
  resolved: ResolvedSpeakers,
): TranscriptDocument {
  return {
    schemaVersion: TRANSCRIPT_SCHEMA_VERSION,
    callId: metadata.callId,
    language: metadata.language === "" ? null : metadata.language,
    durationSeconds: metadata.durationSeconds,
    cleanText: formatCleanText(resolved.segments),
    speakers: resolved.speakers,
    segments: resolved.segments,
    speakerResolution: resolved.resolution,
    ...(metadata.redaction && { redaction: metadata.redaction }),
    pipeline: { ...metadata.pipeline, transcriptAlgorithms: TRANSCRIPT_ALGORITHM_VERSIONS },
    createdAt: metadata.createdAt,
  };
}

export interface BuildTranscriptDocumentInput extends TranscriptDocumentMetadata {
  transcription: TranscriptionInput;
  turns: readonly SpeakerTurnInput[];
  context: SpeakerContext;
}

/** Align → normalise → resolve speakers → assemble, in one call. */
export function buildTranscriptDocument(input: BuildTranscriptDocumentInput): TranscriptDocument {
  const aligned = alignTranscript(input.transcription, input.turns);
  const normalized = normalizeTranscript(aligned);
  const resolved = resolveSpeakers(normalized, input.context);
  return assembleTranscriptDocument(input, resolved);
}
