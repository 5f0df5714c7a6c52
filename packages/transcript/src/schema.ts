import { z } from "zod";

export const TRANSCRIPT_SCHEMA_VERSION = 2;

export const speakerRoleSchema = z.enum(["USER", "CONTACT", "UNKNOWN"]);
export type SpeakerRole = z.infer<typeof speakerRoleSchema>;

export const speakerConfidenceSchema = z.enum(["HIGH", "MEDIUM", "LOW"]);
export type SpeakerConfidence = z.infer<typeof speakerConfidenceSchema>;

/**
 * What decided a speaker's role: a resolution rule (docs/contract.md § Speaker resolution, rules 1–4 and 6), or
 * USER_CORRECTION when the user set it (§ Speaker corrections).
 */
export const roleSourceSchema = z.enum([
  "VOICE_EMBEDDING",
  "GREETING_MATCH",
  "NAME_MENTION",
  "BY_ELIMINATION",
  "ANSWERING_PATTERN",
  "USER_CORRECTION",
]);
export type RoleSource = z.infer<typeof roleSourceSchema>;

/**
 * Where a speaker's label came from: the role rule that named them, PHONE_FALLBACK
 * when a contact is named "Contact ending NNNN", DIARIZATION for an unresolved
 * "Speaker N", AMBIGUOUS for an unresolved speaker whose name evidence contradicted
 * itself, USER_CORRECTION for a speaker the user renamed or re-assigned (docs/contract.md § Speaker corrections).
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

export const transcriptSpeakerSchema = z
  .object({
    speakerId: z
      .string()
      .regex(/^spk_\d+$/u)
      .describe("Stable id within this transcript (`spk_N`, numbered by first appearance)"),
    sourceSpeakerId: z.string().nullable().describe("The diarization provider's own speaker label; null when none"),
    /** What to show: the name, "You"/"Contact" for a named role without a name, else "Speaker N". */
    label: z
      .string()
      .min(1)
      .describe('What to show: the name, "You"/"Contact" for a named role without a name, else "Speaker N"'),
    /** The person's name (or "Contact ending NNNN"); null when unknown. */
    displayName: z
      .string()
      .min(1)
      .nullable()
      .describe('The person\'s name (or "Contact ending NNNN"); null when unknown'),
    role: speakerRoleSchema.describe("Which party of the call this speaker is"),
    confidence: speakerConfidenceSchema.describe("How sure the speaker resolution is of the role"),
    labelSource: labelSourceSchema.describe("Where the label came from"),
    /** The rule that decided the role; null while the role is UNKNOWN. */
    roleSource: roleSourceSchema.nullable().describe("The rule that decided the role; null while the role is UNKNOWN"),
    voiceMatchScore: z.number().finite().nullable().describe("Voice-profile similarity score; null when not matched"),
    voiceProfileMatched: z.boolean().describe("Whether the user's voice profile matched this speaker"),
  })
  .describe("A speaker of the call, resolved to a role and a name where the evidence allows");
export type TranscriptSpeaker = z.infer<typeof transcriptSpeakerSchema>;

export const transcriptSegmentSchema = z
  .object({
    id: z
      .string()
      .regex(/^seg_\d{4,}$/u)
      .describe("Segment id (`seg_0001`…), cited by the analysis' sourceSegmentIds"),
    /** Same as speakerLabel: the name shown in the clean text, for clients that read one field. */
    speaker: z.string().min(1).describe("Same as speakerLabel, for clients that read one field"),
    speakerLabel: z.string().min(1).describe("The speaker's label, as shown in cleanText"),
    speakerDisplayName: z.string().min(1).nullable().describe("The speaker's name; null when unknown"),
    speakerId: z
      .string()
      .regex(/^spk_\d+$/u)
      .describe("The speaker (an entry of `speakers`)"),
    sourceSpeakerId: z.string().nullable().describe("The diarization provider's own speaker label; null when none"),
    role: speakerRoleSchema.describe("The speaker's role"),
    startSeconds: seconds.describe("Start, seconds from the beginning of the recording"),
    endSeconds: seconds.describe("End, seconds from the beginning of the recording (not before startSeconds)"),
    text: z.string().describe("What was said, punctuated"),
    alignmentConfidence: fraction
      .nullable()
      .describe("Share of the words aligned to this speaker turn (0–1); null when unknown"),
  })
  .describe("One speaker turn of the transcript");
export type TranscriptSegment = z.infer<typeof transcriptSegmentSchema>;

/** Privacy-safe telemetry: counts, booleans and codes only, never names or text. */
export const speakerResolutionSchema = z
  .strictObject({
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
  })
  .describe("Privacy-safe telemetry of the speaker resolution: counts, booleans and codes only, never names or text");
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
    schemaVersion: z.literal(TRANSCRIPT_SCHEMA_VERSION).describe("Transcript document schema version"),
    callId: z.string().min(1).describe("The call this transcript belongs to"),
    language: z.string().min(1).nullable().describe("Detected language (e.g. `en`); null when unknown"),
    durationSeconds: seconds.nullable().describe("Length of the recording in seconds; null when unknown"),
    /** `[MM:SS - MM:SS] Name: text` lines (HH:MM:SS once the call reaches an hour). */
    cleanText: z
      .string()
      .describe("`[MM:SS - MM:SS] Name: text` lines, one per segment (HH:MM:SS once the call reaches an hour)"),
    speakers: z.array(transcriptSpeakerSchema).describe("Every speaker of the call"),
    segments: z.array(transcriptSegmentSchema).describe("Speaker turns in time order"),
    speakerResolution: speakerResolutionSchema,
    /** Absent on documents stored before redaction existed. */
    redaction: redactionSummarySchema.optional(),
    /** Providers, models, algorithm versions and stage statuses, as the pipeline reports them. */
    pipeline: z
      .record(z.string(), z.unknown())
      .describe("Providers, models, algorithm versions and stage statuses, as the pipeline reports them"),
    createdAt: z.iso.datetime({ offset: true }).describe("When the transcript was produced (ISO-8601)"),
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
