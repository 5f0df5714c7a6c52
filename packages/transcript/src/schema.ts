import { z } from "zod";

export const TRANSCRIPT_SCHEMA_VERSION = 2;

export const speakerRoleSchema = z.enum(["USER", "CONTACT", "UNKNOWN"]);
export type SpeakerRole = z.infer<typeof speakerRoleSchema>;

export const speakerConfidenceSchema = z.enum(["HIGH", "MEDIUM", "LOW"]);
export type SpeakerConfidence = z.infer<typeof speakerConfidenceSchema>;

/** The resolution rule that decided a speaker's role (docs/contract.md § Speaker resolution, rules 1–4 and 6). */
export const roleSourceSchema = z.enum([
  "VOICE_EMBEDDING",
  "GREETING_MATCH",
  "NAME_MENTION",
  "BY_ELIMINATION",
  "ANSWERING_PATTERN",
]);
export type RoleSource = z.infer<typeof roleSourceSchema>;

/**
 * Where a speaker's label came from: the role rule that named them, PHONE_FALLBACK
 * when a contact is named "Contact ending NNNN", DIARIZATION for an unresolved
 * "Speaker N", AMBIGUOUS for an unresolved speaker whose name evidence contradicted
 * itself.
 */
export const labelSourceSchema = z.enum([...roleSourceSchema.options, "PHONE_FALLBACK", "DIARIZATION", "AMBIGUOUS"]);
export type LabelSource = z.infer<typeof labelSourceSchema>;

export const speakerResolutionWarningSchema = z.enum([
  "speaker_identity_ambiguous",
  "multi_party_call_not_auto_resolved",
  "answering_pattern_used",
  "speaker_roles_unresolved",
  /** Resolution itself failed; the transcript ships with "Speaker N" labels. */
  "speaker_resolution_failed",
]);
export type SpeakerResolutionWarning = z.infer<typeof speakerResolutionWarningSchema>;

/**
 * NOT_RUN: no voice match was attempted; NO_MATCH: attempted, nobody matched;
 * MATCHED: a speaker was pre-labelled USER; SPEAKER_NOT_FOUND: the match named a
 * speaker this transcript does not have (ignored).
 */
export const voiceMatchStatusSchema = z.enum(["NOT_RUN", "NO_MATCH", "MATCHED", "SPEAKER_NOT_FOUND"]);
export type VoiceMatchStatus = z.infer<typeof voiceMatchStatusSchema>;

const seconds = z.number().finite().nonnegative();
const fraction = z.number().min(0).max(1);

export const transcriptSpeakerSchema = z.object({
  speakerId: z.string().regex(/^spk_\d+$/u),
  sourceSpeakerId: z.string().nullable(),
  /** What to show: the name, "You"/"Contact" for a named role without a name, else "Speaker N". */
  label: z.string().min(1),
  /** The person's name (or "Contact ending NNNN"); null when unknown. */
  displayName: z.string().min(1).nullable(),
  role: speakerRoleSchema,
  confidence: speakerConfidenceSchema,
  labelSource: labelSourceSchema,
  /** The rule that decided the role; null while the role is UNKNOWN. */
  roleSource: roleSourceSchema.nullable(),
  voiceMatchScore: z.number().finite().nullable(),
  voiceProfileMatched: z.boolean(),
});
export type TranscriptSpeaker = z.infer<typeof transcriptSpeakerSchema>;

export const transcriptSegmentSchema = z.object({
  id: z.string().regex(/^seg_\d{4,}$/u),
  /** Same as speakerLabel: the name shown in the clean text, for clients that read one field. */
  speaker: z.string().min(1),
  speakerLabel: z.string().min(1),
  speakerDisplayName: z.string().min(1).nullable(),
  speakerId: z.string().regex(/^spk_\d+$/u),
  sourceSpeakerId: z.string().nullable(),
  role: speakerRoleSchema,
  startSeconds: seconds,
  endSeconds: seconds,
  text: z.string(),
  alignmentConfidence: fraction.nullable(),
});
export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;

/** Privacy-safe telemetry: counts, booleans and codes only, never names or text. */
export const speakerResolutionSchema = z.strictObject({
  strategyVersion: z.string().min(1),
  usedUserDisplayName: z.boolean(),
  usedContactName: z.boolean(),
  usedDirection: z.boolean(),
  usedPhoneFallback: z.boolean(),
  voiceEmbeddingEnabled: z.boolean(),
  voiceProfileUsed: z.boolean(),
  voiceMatchStatus: voiceMatchStatusSchema,
  totalSpeakerCount: z.number().int().nonnegative(),
  resolvedSpeakerCount: z.number().int().nonnegative(),
  warnings: z.array(speakerResolutionWarningSchema),
});
export type SpeakerResolution = z.infer<typeof speakerResolutionSchema>;

const redactionCount = z.number().int().nonnegative();

/** Per-call redaction summary (docs/contract.md § Redaction): counts by type, never values. */
export const redactionSummarySchema = z.strictObject({
  enabled: z.boolean(),
  version: z.string().min(1),
  counts: z.strictObject({
    PHONE: redactionCount,
    EMAIL: redactionCount,
    CARD: redactionCount,
    IBAN: redactionCount,
    OTP: redactionCount,
  }),
  total: redactionCount,
});
export type RedactionSummary = z.infer<typeof redactionSummarySchema>;

export const transcriptDocumentSchema = z
  .object({
    schemaVersion: z.literal(TRANSCRIPT_SCHEMA_VERSION),
    callId: z.string().min(1),
    language: z.string().min(1).nullable(),
    durationSeconds: seconds.nullable(),
    /** `[MM:SS - MM:SS] Name: text` lines (HH:MM:SS once the call reaches an hour). */
    cleanText: z.string(),
    speakers: z.array(transcriptSpeakerSchema),
    segments: z.array(transcriptSegmentSchema),
    speakerResolution: speakerResolutionSchema,
    /** Absent on documents stored before redaction existed. */
    redaction: redactionSummarySchema.optional(),
    /** Providers, models, algorithm versions and stage statuses, as the pipeline reports them. */
    pipeline: z.record(z.string(), z.unknown()),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .superRefine((document, context) => {
    const speakerIds = new Set(document.speakers.map((speaker) => speaker.speakerId));
    document.segments.forEach((segment, index) => {
      if (!speakerIds.has(segment.speakerId)) {
        context.addIssue({ code: "custom", path: ["segments", index, "speakerId"], message: "unknown speaker" });
      }
      if (segment.endSeconds < segment.startSeconds) {
        context.addIssue({ code: "custom", path: ["segments", index, "endSeconds"], message: "ends before it starts" });
      }
    });
  });
export type TranscriptDocument = z.infer<typeof transcriptDocumentSchema>;
