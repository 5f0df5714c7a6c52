import { ANALYSIS_SCHEMA_VERSION, sentimentLabel, servedAnalysisDocumentSchema } from "@scryon/analysis";
import {
  ACTION_ITEM_SOURCES,
  ACTION_ITEM_STATUSES,
  CALL_STATUSES,
  canonicalLanguageTag,
  DIRECTIONS,
  EGRESS_DATA,
  EVENT_STATUSES,
  LANGUAGE_TAG_RULE,
  MAX_VOCABULARY_TERM_LENGTH,
  MAX_VOCABULARY_TERMS,
  PRIORITIES,
  SEARCH_KINDS,
  SPEAKER_ROLES,
  WEBHOOK_DELIVERY_STATUSES,
  WEBHOOK_EVENT_TYPES,
} from "@scryon/db";
import {
  isAcceptableSpeakerName,
  TRANSCRIPT_SCHEMA_VERSION,
  transcriptDocumentSchema,
  transcriptSpeakerSchema,
} from "@scryon/transcript";
import { z } from "zod";

/** API-facing schemas: the one source of the REST document, the tRPC types and runtime validation. */

export const callStatusSchema = z.enum(CALL_STATUSES);
const directionSchema = z.enum(DIRECTIONS);
const uuidSchema = z.uuid({ message: "must be a UUID" });
const timestampSchema = z.iso
  .datetime({ offset: true })
  .meta({ description: "ISO-8601 UTC", example: "2026-05-29T13:00:00Z" });

/** NUL is never meaningful in a name or title, and PostgreSQL text cannot hold it: refused in both modes alike. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters");

/** A BCP-47 tag whose language is ISO-639-1 ("en", "hi", "pt-BR"), stored in canonical case. */
const languageTagSchema = z
  .string()
  .max(35)
  .transform((value, ctx) => {
    const canonical = canonicalLanguageTag(value);
    if (canonical === null) {
      ctx.addIssue({
        code: "custom",
        message: LANGUAGE_TAG_RULE,
      });
      return z.NEVER;
    }
    return canonical;
  })
  .meta({ description: "Spoken language: a BCP-47 tag with an ISO-639-1 language", example: "pt-BR" });

/** Names and terms for the transcription provider: trimmed, blanks dropped, each once (case-insensitively). */
const vocabularySchema = z
  .array(text(MAX_VOCABULARY_TERM_LENGTH))
  .max(MAX_VOCABULARY_TERMS, `at most ${MAX_VOCABULARY_TERMS} terms`)
  .transform((terms) => {
    const seen = new Set<string>();
    return terms.filter((term) => {
      const key = term.toLowerCase();
      if (term === "" || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  })
  .meta({ description: "Names and terms likely spoken in the call", example: ["Ravi Kumar", "Scryon"] });

/** The `metadata` part of an upload (seed: every field optional). Unknown keys are ignored. */
export const callMetadataSchema = z.object({
  title: text(200).optional(),
  contactName: text(200).optional(),
  contactId: text(200)
    .describe(
      "The client's own id for the person (an address-book id such as contacts:42): calls sharing it form one contact. Answers carry our contact's id as contactId instead",
    )
    .optional(),
  phoneNumber: z
    .string()
    .trim()
    .max(40)
    .regex(/^\+?[0-9 ()./-]{3,40}$/, "must be a phone number")
    .optional(),
  organization: text(200).optional(),
  direction: directionSchema.optional(),
  recordedAt: z.iso.datetime({ offset: true, message: "must be an ISO-8601 timestamp" }).optional(),
  durationSeconds: z
    .number()
    .min(0)
    .max(7 * 24 * 3600)
    .optional(),
  language: languageTagSchema.optional(),
  vocabulary: vocabularySchema.optional(),
});
export type CallMetadata = z.infer<typeof callMetadataSchema>;

export const acceptedCallSchema = z.object({ callId: uuidSchema, status: z.literal("QUEUED") });

/** Our contact the call is grouped into (docs/contract.md § Contacts): the id `GET /api/contacts/{id}` takes. */
const callContactIdSchema = uuidSchema
  .describe("The contact this call is grouped into (GET /api/contacts/{id}); not the client's own contactId")
  .optional();

export const callDetailSchema = z.object({
  callId: uuidSchema,
  contactId: callContactIdSchema,
  title: z.string().optional(),
  status: callStatusSchema,
  direction: directionSchema.optional(),
  contactName: z.string().optional(),
  phoneNumber: z.string().optional(),
  organization: z.string().optional(),
  durationSeconds: z.number().optional(),
  recordedAt: timestampSchema.optional(),
  createdAt: timestampSchema,
  summary: z.string().optional(),
  notes: z.string().optional(),
  errorReason: z.string().nullable(),
  /** While a provider is failing transiently: when the call stops retrying (docs/contract.md § Pipeline). */
  retryingUntil: timestampSchema.optional(),
  /** The transcription hints given at upload (docs/contract.md § Upload metadata); absent when none. */
  language: z.string().optional().meta({ example: "pt-BR" }),
  vocabulary: z
    .array(z.string())
    .optional()
    .meta({ example: ["Ravi Kumar", "Scryon"] }),
});

export const callListItemSchema = z.object({
  callId: uuidSchema,
  contactId: callContactIdSchema,
  title: z.string().optional(),
  contactName: z.string().optional(),
  direction: directionSchema.optional(),
  status: callStatusSchema,
  durationSeconds: z.number().optional(),
  createdAt: timestampSchema,
  actionItemCount: z.number().int(),
  firstActionTitle: z.string().nullable(),
});

export const callListSchema = z.object({
  items: z.array(callListItemSchema),
  nextCursor: z.string().optional(),
});

export const MAX_STATUS_IDS = 100;
export const statusPollSchema = z.object({
  items: z.array(z.object({ callId: uuidSchema, status: callStatusSchema })),
});

const MAX_BULK_DELETE = 100;
export const bulkDeleteInputSchema = z.object({
  callIds: z.array(uuidSchema).min(1).max(MAX_BULK_DELETE, `at most ${MAX_BULK_DELETE} ids per request`),
});
export const bulkDeleteResultSchema = z.object({
  deleted: z.number().int(),
  missing: z.number().int(),
  failed: z.array(z.object({ callId: z.string(), code: z.string() })),
});

/**
 * A document stored under an older schema version (or before documents carried one): served exactly as
 * stored, so only its version is described (docs/contract.md § Transcript document, § Analysis document).
 */
const olderDocumentSchema = <const V extends readonly [number, ...number[]]>(versions: V, what: string) =>
  z
    .looseObject({
      schemaVersion: z
        .literal(versions)
        .describe(`An older ${what} schema version; absent on documents written before versions existed`)
        .optional(),
    })
    .describe(`A ${what} document stored under an older schema version, served as stored`);

/**
 * The type clients see: the described fields, without the `[key: string]: unknown` of loose objects. At
 * runtime unknown keys still pass through (docs/contract.md § Analysis document); in the type, an index
 * signature would make tRPC's JSON serialisation type drop the described optional keys.
 */
type WithoutIndex<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: Described<T[K]> };
type Described<T> = T extends readonly (infer U)[]
  ? Described<U>[]
  : T extends object
    ? [keyof WithoutIndex<T>] extends [never]
      ? T // a record (e.g. the transcript's `pipeline`): kept as is
      : WithoutIndex<T>
    : T;

/** The versions before the current one (TRANSCRIPT_SCHEMA_VERSION 2, ANALYSIS_SCHEMA_VERSION 3). */
const OLDER_TRANSCRIPT_VERSIONS = [1] as const;
const OLDER_ANALYSIS_VERSIONS = [1, 2] as const;
if (TRANSCRIPT_SCHEMA_VERSION !== 2 || ANALYSIS_SCHEMA_VERSION !== 3) {
  throw new Error("a document schema version changed: update the older versions served as stored");
}

const transcriptUnion = z
  .union([transcriptDocumentSchema, olderDocumentSchema(OLDER_TRANSCRIPT_VERSIONS, "transcript")])
  .meta({ id: "TranscriptDocument", description: "The normalised, speaker-attributed transcript (schema v2)" });
const analysisUnion = z
  .union([servedAnalysisDocumentSchema, olderDocumentSchema(OLDER_ANALYSIS_VERSIONS, "analysis")])
  .meta({ id: "AnalysisDocument", description: "The analysis (schema v3) with the legacy aliases" });

/**
 * `calls.transcript`: the current document (v2) in full, or an older stored one as stored. Clients narrow on
 * `schemaVersion === 2`.
 */
export const servedTranscriptSchema: z.ZodType<Described<z.output<typeof transcriptUnion>>> = transcriptUnion;
export type ServedTranscript = z.infer<typeof servedTranscriptSchema>;

/**
 * `calls.analysis`: the current document (v3, with the legacy aliases) in full, or an older stored one as
 * stored. Clients narrow on `schemaVersion === 3`.
 */
export const servedAnalysisSchema: z.ZodType<Described<z.output<typeof analysisUnion>>> = analysisUnion;
export type ServedAnalysis = z.infer<typeof servedAnalysisSchema>;

export const actionItemStatusSchema = z.enum(ACTION_ITEM_STATUSES);
export const prioritySchema = z.enum(PRIORITIES);
export const dueDateSchema = z.iso.date({ message: "must be a date YYYY-MM-DD" });

/**
 * Where an AI action item came from (docs/contract.md § Action items): the analyser's priority, the cited
 * segments and an excerpt of their text. Stored as JSON text in `action_items.source_text`; served as an object.
 */
export const sourceTextSchema = z
  .object({
    priority: z
      .enum(["low", "medium", "high"])
      .nullable()
      .describe("The priority the analyser gave the item; null when it gave none"),
    segmentIds: z.array(z.string()).describe("Transcript segments the item was drawn from"),
    excerpt: z.string().nullable().describe("The start of those segments' text; null when there is none"),
  })
  .describe("Provenance of an AI action item; null for items created by hand");
export type SourceText = z.infer<typeof sourceTextSchema>;

export const actionItemSchema = z.object({
  id: uuidSchema,
  callRecordId: uuidSchema,
  title: z.string(),
  description: z.string().nullable(),
  dueDate: dueDateSchema.nullable(),
  status: actionItemStatusSchema,
  priority: prioritySchema,
  source: z.enum(ACTION_ITEM_SOURCES),
  sourceText: sourceTextSchema.nullable(),
  ownerSpeakerId: z.string().nullable(),
  ownerSpeakerLabel: z.string().nullable(),
  ownerDisplayName: z.string().nullable(),
  ownerRole: z.enum(SPEAKER_ROLES).nullable(),
  sourceSegmentIds: z.array(z.string()),
  intent: z.string().nullable(),
  intentMetadata: z.record(z.string(), z.unknown()).nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

export const userSchema = z.object({
  id: uuidSchema,
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  /** The user's own retention setting in days; null = the server default applies. */
  retentionDays: z.number().int().nullable(),
  /** The retention that applies (own setting, else SCRYON_RETENTION_DAYS); null = calls are kept. */
  effectiveRetentionDays: z.number().int().nullable(),
  createdAt: timestampSchema,
});

export const healthSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  providers: z
    .object({
      transcription: z
        .enum(["openai", "assemblyai", "deepgram"])
        .nullable()
        .describe("null: no provider is configured, so uploads cannot be transcribed"),
      diarization: z.enum(["pyannote"]).nullable(),
      analysis: z.enum(["llm", "offline"]),
    })
    .describe("The configured outside services, by name only"),
});

/** Limit parameters: strings from a query string are coerced; bounds enforced. */
export const limitSchema = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

/** docs/contract.md § Webhooks. */
const webhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES);
export const webhookUrlSchema = z
  .string()
  .trim()
  .min(1, "url is required")
  .max(2048)
  .meta({ description: "https:// in production (http allowed outside it)", example: "https://example.com/hooks" });
export const webhookEventsSchema = z
  .array(webhookEventTypeSchema)
  .min(1, "subscribe to at least one event")
  .max(WEBHOOK_EVENT_TYPES.length * 2);
export const webhookDescriptionSchema = text(500);

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string().optional(),
  events: z.array(webhookEventTypeSchema),
  enabled: z.boolean(),
  /** Why the server disabled it (`failing_for_too_long`), null while enabled or disabled by the user. */
  disabledReason: z.string().nullable(),
  /** While a rotated-out secret still signs alongside the current one. */
  previousSecretExpiresAt: timestampSchema.optional(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const createdWebhookSchema = webhookSchema.extend({
  secret: z.string().meta({ description: "whsec_…; shown only here and by rotate-secret" }),
});
export const rotatedSecretSchema = z.object({
  id: z.string(),
  secret: z.string(),
  previousSecretExpiresAt: timestampSchema,
});
export const webhookListSchema = z.object({ items: z.array(webhookSchema), nextCursor: z.string().optional() });

const webhookAttemptSchema = z.object({
  attempt: z.number().int(),
  at: timestampSchema,
  statusCode: z.number().int().nullable(),
  durationMs: z.number().int(),
  error: z.string().nullable(),
});
export const webhookDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventType: z.string(),
  /** The `webhook-id` header of every attempt. */
  messageId: z.string(),
  status: z.enum(WEBHOOK_DELIVERY_STATUSES),
  attempts: z.number().int(),
  responseStatusCode: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  failureReason: z.string().nullable(),
  nextAttemptAt: timestampSchema.optional(),
  attemptLog: z.array(webhookAttemptSchema),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const webhookDeliveryListSchema = z.object({
  items: z.array(webhookDeliverySchema),
  nextCursor: z.string().optional(),
});

/** GET /api/calls/{id}/processing (docs/contract.md § Egress ledger). */
export const processingLedgerSchema = z.object({
  callId: z.string(),
  /** Every processing event, in order. */
  stages: z.array(
    z.object({
      stage: z.string(),
      status: z.enum(EVENT_STATUSES),
      provider: z.string().nullable(),
      durationMs: z.number().int().nullable(),
      errorCode: z.string().nullable(),
      at: timestampSchema,
    }),
  ),
  /** Every outside service that received the call's audio or text; empty when nothing left the server. */
  egress: z.array(
    z.object({
      stage: z.string(),
      provider: z.string().nullable(),
      model: z.string().nullable(),
      host: z.string(),
      received: z.enum(EGRESS_DATA),
      status: z.enum(EVENT_STATUSES),
      at: timestampSchema,
    }),
  ),
});

/**
 * PATCH /api/calls/{id}/speakers/{speakerId} (docs/contract.md § Speaker corrections): a name, a role, or both.
 * A name must be a name: a phone number or an e-mail address never becomes a label (§ Privacy rules).
 */
export const speakerCorrectionInputSchema = z
  .object({
    id: z.string().max(100),
    speakerId: z.string().max(40).describe("The speaker (`spk_N`) as the transcript names it"),
    displayName: text(100)
      .min(1, "must not be empty; send null to clear the name")
      .refine(isAcceptableSpeakerName, "must be a name, not a phone number or an e-mail address")
      .nullable()
      .optional()
      .describe("The speaker's name; null clears it (the label then follows the role)"),
    role: z.enum(SPEAKER_ROLES).optional().describe("Which party of the call this speaker is"),
    reanalyze: z
      .union([z.enum(["true", "false"]).transform((value) => value === "true"), z.boolean()])
      .optional()
      .describe("Re-run the analysis from the corrected transcript (also accepted as `?reanalyze=true`)"),
  })
  .refine((input) => input.displayName !== undefined || input.role !== undefined, {
    message: "send displayName, role or both",
  });

export const speakerCorrectionResultSchema = z
  .object({
    callId: uuidSchema,
    speakers: z.array(transcriptSpeakerSchema).describe("Every speaker of the corrected transcript"),
    reanalyzed: z.boolean().describe("Whether the analysis was re-run from the corrected transcript"),
  })
  .describe("The call's speakers after the correction");

/** docs/contract.md § Contacts. */
const sentimentSchema = sentimentLabel;
export const contactSchema = z.object({
  contactId: uuidSchema,
  /** The name the user gave, else the first name a call brought, else "Contact ending NNNN". */
  displayName: z.string(),
  /** Only the last four digits: a contact never holds the full number (docs/contract.md § Privacy rules). */
  phoneLast4: z.string().optional(),
  /** The client's own id the contact was grouped by, when it was. */
  clientContactId: z.string().optional(),
  callCount: z.number().int(),
  lastCallAt: timestampSchema,
  openActionItemCount: z.number().int(),
  /** The overall sentiment of the newest analysed call. */
  lastSentiment: sentimentSchema.optional(),
  createdAt: timestampSchema,
});

export const contactListSchema = z.object({
  items: z.array(contactSchema),
  nextCursor: z.string().optional(),
});

const contactCallSchema = z.object({
  callId: uuidSchema,
  title: z.string().optional(),
  status: callStatusSchema,
  direction: directionSchema.optional(),
  durationSeconds: z.number().optional(),
  recordedAt: timestampSchema.optional(),
  createdAt: timestampSchema,
  summary: z.string().optional(),
  sentiment: sentimentSchema.optional(),
});

/** The newest calls and open items a contact detail carries. */
export const CONTACT_DETAIL_LIMIT = 100;
export const contactDetailSchema = contactSchema.extend({
  calls: z.array(contactCallSchema).describe(`The contact's calls, newest first (at most ${CONTACT_DETAIL_LIMIT})`),
  openActionItems: z
    .array(actionItemSchema)
    .describe(`OPEN and IN_PROGRESS items of its calls, newest first (at most ${CONTACT_DETAIL_LIMIT})`),
});

export const contactDisplayNameSchema = text(200).describe("Empty clears the chosen name");

/** One search hit (docs/contract.md § Search). */
export const searchHitSchema = z.object({
  callId: uuidSchema,
  kind: z.enum(SEARCH_KINDS).describe("Where the words were found"),
  segmentId: z.string().nullable().describe("The transcript segment (transcript hits), else null"),
  speakerName: z
    .string()
    .nullable()
    .describe("Who speaks in the segment, as the transcript names them now (transcript hits), else null"),
  startSeconds: z
    .number()
    .nullable()
    .describe("Where the segment starts in the recording (transcript hits), else null"),
  actionItemId: z.string().nullable().describe("The action item (action_item hits), else null"),
  snippet: z
    .string()
    .describe(
      "The text around the match, HTML-escaped, with each matched word wrapped in <mark>…</mark>: safe to insert as HTML",
    ),
  title: z.string().nullable().describe("The call's title"),
  contactName: z.string().nullable().describe("The call's contact name"),
  contactId: z.string().nullable().describe("The contact the call is grouped into (GET /api/contacts/{id}), else null"),
  createdAt: timestampSchema.describe("When the call was created"),
});
