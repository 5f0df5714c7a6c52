import {
  ACTION_ITEM_SOURCES,
  ACTION_ITEM_STATUSES,
  CALL_STATUSES,
  DIRECTIONS,
  EGRESS_DATA,
  EVENT_STATUSES,
  PRIORITIES,
  SPEAKER_ROLES,
} from "@scryon/db";
import { z } from "zod";

/** API-facing schemas: the one source of the REST document, the tRPC types and runtime validation. */

export const callStatusSchema = z.enum(CALL_STATUSES);
export const directionSchema = z.enum(DIRECTIONS);
export const uuidSchema = z.uuid({ message: "must be a UUID" });
export const timestampSchema = z.string().meta({ description: "ISO-8601 UTC", example: "2026-05-29T13:00:00Z" });

/** NUL is never meaningful in a name or title, and PostgreSQL text cannot hold it: refused in both modes alike. */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !value.includes("\u0000"), "must not contain NUL characters");

/** The `metadata` part of an upload (seed: every field optional). Unknown keys are ignored. */
export const callMetadataSchema = z.object({
  title: text(200).optional(),
  contactName: text(200).optional(),
  contactId: text(200).optional(),
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
});
export type CallMetadata = z.infer<typeof callMetadataSchema>;

export const acceptedCallSchema = z.object({ callId: z.string(), status: z.literal("QUEUED") });

export const callDetailSchema = z.object({
  callId: z.string(),
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
});

export const callListItemSchema = z.object({
  callId: z.string(),
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
  items: z.array(z.object({ callId: z.string(), status: callStatusSchema })),
});

export const MAX_BULK_DELETE = 100;
export const bulkDeleteInputSchema = z.object({
  callIds: z.array(uuidSchema).min(1).max(MAX_BULK_DELETE, `at most ${MAX_BULK_DELETE} ids per request`),
});
export const bulkDeleteResultSchema = z.object({
  deleted: z.number().int(),
  missing: z.number().int(),
  failed: z.array(z.object({ callId: z.string(), code: z.string() })),
});

export const actionItemStatusSchema = z.enum(ACTION_ITEM_STATUSES);
export const prioritySchema = z.enum(PRIORITIES);
export const dueDateSchema = z.iso.date({ message: "must be a date YYYY-MM-DD" });

export const actionItemSchema = z.object({
  id: z.string(),
  callRecordId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  dueDate: z.string().nullable(),
  status: actionItemStatusSchema,
  priority: prioritySchema,
  source: z.enum(ACTION_ITEM_SOURCES),
  sourceText: z.string().nullable(),
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
  id: z.string(),
  email: z.string().nullable(),
  displayName: z.string().nullable(),
  /** The user's own retention setting in days; null = the server default applies. */
  retentionDays: z.number().int().nullable(),
  /** The retention that applies (own setting, else SCRYON_RETENTION_DAYS); null = calls are kept. */
  effectiveRetentionDays: z.number().int().nullable(),
  createdAt: timestampSchema,
});

export const healthSchema = z.object({ status: z.literal("ok"), version: z.string() });

/** Limit parameters: strings from a query string are coerced; bounds enforced. */
export const limitSchema = (fallback: number, max: number) => z.coerce.number().int().min(1).max(max).default(fallback);

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
