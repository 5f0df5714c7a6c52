import { z } from "zod";

/**
 * The analysis document, schema v3 (docs/contract.md § Analysis document). Every field is optional and every object
 * is loose: unknown keys pass through untouched, so documents written by newer or
 * richer analysers survive a round trip. Values that may legitimately be "unknown"
 * accept null (docs/contract.md § Conventions: null means "we tried and it is unknown").
 */

export const ANALYSIS_SCHEMA_VERSION = 3;

const text = z.string();
const nullableText = z.string().nullable();
const segmentIds = z.array(z.string());
const importance = z.enum(["low", "medium", "high"]);
/** One sentiment label; the API serves a contact's last one with the same list. */
export const sentimentLabel = z.enum(["positive", "neutral", "negative", "mixed", "unclear"]);
const score = z.number().min(-1).max(1).nullable();
/** `MM:SS` or `HH:MM:SS`. */
const timestamp = z.string().regex(/^(\d{2}:)?[0-5]\d:[0-5]\d$/, "expected MM:SS or HH:MM:SS");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "expected YYYY-MM-DD");

export const callTypeSchema = z.enum([
  "personal",
  "business",
  "sales",
  "support",
  "interview",
  "finance",
  "healthcare",
  "legal",
  "education",
  "unknown",
  "other",
]);

export const actionIntentSchema = z.enum(["meeting", "email", "call", "message", "reminder", "task", "none"]);

export const intentMetadataSchema = z.looseObject({
  providerHint: z.enum(["meet", "zoom", "teams", "phone", "whatsapp", "sms", "telegram"]).nullable().optional(),
  attendees: z.array(z.looseObject({ name: text, email: nullableText.optional() })).optional(),
  proposedAt: nullableText.optional(),
  durationMinutes: z.number().positive().nullable().optional(),
  title: nullableText.optional(),
  location: nullableText.optional(),
  toEmail: nullableText.optional(),
  toName: nullableText.optional(),
  subject: nullableText.optional(),
  bodyPreview: nullableText.optional(),
  phoneNumber: nullableText.optional(),
  contactName: nullableText.optional(),
  channel: nullableText.optional(),
  handle: nullableText.optional(),
  remindAt: nullableText.optional(),
  notes: nullableText.optional(),
});

const speakerRoleSchema = z.enum(["USER", "CONTACT", "UNKNOWN"]);

export const actionItemSchema = z
  .looseObject({
    title: text.describe("What is to be done, imperative and short").optional(),
    description: nullableText.describe("Details; null when there are none").optional(),
    ownerSpeaker: nullableText.describe("Owner as the analyser named them (legacy field)").optional(),
    ownerSpeakerId: nullableText
      .describe("Owner: a speakerId of the transcript; null when no speaker owns it")
      .optional(),
    ownerSpeakerLabel: nullableText.describe("Owner's speaker label").optional(),
    ownerDisplayName: nullableText.describe("Owner's name; null when unknown").optional(),
    ownerRole: speakerRoleSchema.nullable().describe("Owner's role in the call").optional(),
    dueDate: isoDate.nullable().describe("Due date (YYYY-MM-DD); null when none was said").optional(),
    priority: importance.describe("Priority").optional(),
    sourceSegmentIds: segmentIds.describe("Transcript segments the item is grounded in").optional(),
    intent: actionIntentSchema.describe("What kind of action a client can launch").optional(),
    intentMetadata: intentMetadataSchema
      .nullable()
      .describe("Fields for launching the intent (attendees, e-mail, …)")
      .optional(),
  })
  .describe("A launchable task from the call");

const groundedText = z.looseObject({
  text: text.describe("The point, in a sentence").optional(),
  sourceSegmentIds: segmentIds.describe("Transcript segments it is grounded in").optional(),
});

const partySentiment = z.looseObject({
  overall: sentimentLabel.optional(),
  score: score.optional(),
  notes: nullableText.optional(),
});

export const analysisDocumentSchema = z.looseObject({
  schemaVersion: z.literal(ANALYSIS_SCHEMA_VERSION).describe("Analysis document schema version").optional(),
  callType: callTypeSchema.describe("What kind of call this was").optional(),
  suggestedTitle: text.describe("A title for the call").optional(),
  oneLineSummary: text.describe("The call in one sentence").optional(),
  executiveSummary: text.describe("The call in 2–4 sentences").optional(),
  executiveSummaryBullets: z
    .array(
      z.looseObject({
        header: text.optional(),
        startTimestamp: timestamp.optional(),
        paragraphs: z.array(text).optional(),
      }),
    )
    .optional(),
  conversationOutcome: nullableText.describe("How the conversation ended; null when unclear").optional(),
  sections: z
    .array(
      z.looseObject({
        id: text.optional(),
        title: text.optional(),
        type: text.optional(),
        summary: nullableText.optional(),
        items: z
          .array(
            z.looseObject({
              text: text.optional(),
              importance: importance.optional(),
              speaker: nullableText.optional(),
              sourceSegmentIds: segmentIds.optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  keyDiscussionPoints: z
    .array(
      z.looseObject({
        text: text.optional(),
        topic: nullableText.optional(),
        phase: z.enum(["opening", "middle", "closing", "followup"]).optional(),
        importance: importance.optional(),
        sourceSegmentIds: segmentIds.optional(),
      }),
    )
    .optional(),
  actionItems: z.array(actionItemSchema).describe("Launchable tasks (stored as the call's action items)").optional(),
  nextSteps: z
    .array(
      z.looseObject({
        text: text.optional(),
        ownerSpeaker: nullableText.optional(),
        when: nullableText.optional(),
        sourceSegmentIds: segmentIds.optional(),
      }),
    )
    .optional(),
  followUps: z.array(groundedText.extend({ when: nullableText.optional() })).optional(),
  importantDates: z
    .array(groundedText.extend({ date: isoDate.nullable().optional(), context: nullableText.optional() }))
    .optional(),
  decisions: z.array(groundedText).describe("Decisions taken in the call").optional(),
  commitments: z
    .array(groundedText.extend({ speaker: nullableText.optional() }))
    .describe("Promises a speaker made")
    .optional(),
  openQuestions: z
    .array(groundedText.extend({ askedBy: nullableText.optional() }))
    .describe("Questions left unanswered")
    .optional(),
  risks: z.array(groundedText).describe("Risks raised").optional(),
  opportunities: z.array(groundedText).describe("Opportunities raised").optional(),
  peopleMentioned: z
    .array(
      z.looseObject({
        name: text.optional(),
        speakerId: nullableText.optional(),
        context: nullableText.optional(),
        sourceSegmentIds: segmentIds.optional(),
      }),
    )
    .optional(),
  numbersAndAmounts: z
    .array(
      groundedText.extend({
        value: z.number().nullable().optional(),
        unit: nullableText.optional(),
        context: nullableText.optional(),
      }),
    )
    .optional(),
  sentiment: z
    .looseObject({
      overall: sentimentLabel.optional(),
      score: score.optional(),
      reason: nullableText.optional(),
      userSentiment: partySentiment.nullable().optional(),
      contactSentiment: partySentiment.nullable().optional(),
      progression: z
        .array(
          z.looseObject({
            phase: text.optional(),
            overall: sentimentLabel.optional(),
            note: nullableText.optional(),
            sourceSegmentIds: segmentIds.optional(),
          }),
        )
        .optional(),
      emotionalSignals: z
        .array(
          z.looseObject({
            signal: text.optional(),
            polarity: z.enum(["positive", "negative", "neutral"]).optional(),
            speaker: nullableText.optional(),
            sourceSegmentIds: segmentIds.optional(),
          }),
        )
        .max(6)
        .optional(),
    })
    .optional(),
  tone: z
    .looseObject({
      overall: nullableText.optional(),
      descriptors: z.array(text).max(4).optional(),
      formality: z.enum(["formal", "semi-formal", "informal"]).optional(),
      energy: z.enum(["low", "medium", "high"]).optional(),
      pace: z.enum(["slow", "normal", "fast"]).optional(),
      notes: nullableText.optional(),
      byParty: z.looseObject({ userTone: nullableText.optional(), contactTone: nullableText.optional() }).optional(),
    })
    .optional(),
  tags: z.array(text).describe("Short topic tags").optional(),
  qualityWarnings: z
    .array(text)
    .describe("Why parts of the analysis may be weak (short audio, one speaker, …)")
    .optional(),
});

export type AnalysisDocument = z.infer<typeof analysisDocumentSchema>;
export type ActionItem = z.infer<typeof actionItemSchema>;
export type ActionIntent = z.infer<typeof actionIntentSchema>;
export type IntentMetadata = z.infer<typeof intentMetadataSchema>;
export type CallType = z.infer<typeof callTypeSchema>;
