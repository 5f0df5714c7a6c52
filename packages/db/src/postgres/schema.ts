import { sql } from "drizzle-orm";
import {
  type AnyPgColumn,
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import {
  ACTION_ITEM_SOURCES,
  ACTION_ITEM_STATUSES,
  CALL_STATUSES,
  DIRECTIONS,
  EGRESS_DATA,
  EVENT_STATUSES,
  IDEMPOTENCY_STATES,
  PRIORITIES,
  SPEAKER_ROLES,
  WEBHOOK_DELIVERY_STATUSES,
  type WebhookEventType,
  type WebhookMessageType,
} from "../model";
import { INDEXES, indexes, type StoredAttempt } from "../tables";

/** Millisecond precision, like a JS Date, so keyset cursors round-trip exactly. */
const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: "date" });
const createdAt = () => instant("created_at").notNull();
const updatedAt = () => instant("updated_at").notNull();
const byteCount = (name: string) => bigint(name, { mode: "number" });
const builders = { index, uniqueIndex };

/** Mirrors ../sqlite/schema.ts table for table; the two pass the same contract tests. */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    authUid: text("auth_uid").notNull(),
    email: text("email"),
    displayName: text("display_name"),
    /** Days a call is kept (docs/contract.md § Retention and account deletion); null = the server default. */
    retentionDays: integer("retention_days"),
    disabled: boolean("disabled").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => indexes(t, INDEXES.users, builders),
);

export const calls = pgTable(
  "calls",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title"),
    contactName: text("contact_name"),
    contactId: text("contact_id"),
    phoneNumber: text("phone_number"),
    organization: text("organization"),
    direction: text("direction", { enum: DIRECTIONS }),
    recordedAt: instant("recorded_at"),
    durationSeconds: doublePrecision("duration_seconds"),
    status: text("status", { enum: CALL_STATUSES }).notNull(),
    errorReason: text("error_reason"),
    summaryOverride: text("summary_override"),
    analysisSummary: text("analysis_summary"),
    notes: text("notes"),
    sourceContentType: text("source_content_type"),
    sourceSizeBytes: byteCount("source_size_bytes"),
    staleRequeues: integer("stale_requeues").notNull().default(0),
    // Provider retry budget (docs/contract.md § Pipeline): the stage waiting for a transient fault to pass.
    retryStage: text("retry_stage"),
    retryAttempts: integer("retry_attempts").notNull().default(0),
    retryingUntil: instant("retrying_until"),
    failureTransient: boolean("failure_transient").notNull().default(false),
    // Transcription hints given at upload (docs/contract.md § Upload metadata).
    language: text("language"),
    vocabulary: jsonb("vocabulary").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    /** The contact this call is grouped into (docs/contract.md § Contacts); `contactId` is the client's own id. */
    contactRef: text("contact_ref").references((): AnyPgColumn => contacts.id, { onDelete: "set null" }),
    /** The analysis's overall sentiment, kept on the row for the contact list. */
    sentiment: text("sentiment"),
    // The list's action summary, kept by triggers on action_items (migration 0008, docs/architecture.md § The call list).
    actionItemCount: integer("action_item_count").notNull().default(0),
    firstActionTitle: text("first_action_title"),
    statusChangedAt: instant("status_changed_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => indexes(t, INDEXES.calls, builders),
);

export const callArtifacts = pgTable(
  "call_artifacts",
  {
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    storageKey: text("storage_key").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: byteCount("size_bytes").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.type] }), ...indexes(t, INDEXES.callArtifacts, builders)],
);

export const processingEvents = pgTable(
  "processing_events",
  {
    id: text("id").primaryKey(),
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    stage: text("stage").notNull(),
    status: text("status", { enum: EVENT_STATUSES }).notNull(),
    durationMs: integer("duration_ms"),
    provider: text("provider"),
    errorCode: text("error_code"),
    /** Egress ledger: the outside host that received data in this stage, its model, and what it got. */
    host: text("host"),
    model: text("model"),
    dataSent: text("data_sent", { enum: EGRESS_DATA }),
    createdAt: createdAt(),
  },
  (t) => indexes(t, INDEXES.processingEvents, builders),
);

export const actionItems = pgTable(
  "action_items",
  {
    id: text("id").primaryKey(),
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    title: text("title").notNull(),
    description: text("description"),
    dueDate: text("due_date"),
    status: text("status", { enum: ACTION_ITEM_STATUSES }).notNull(),
    priority: text("priority", { enum: PRIORITIES }).notNull(),
    source: text("source", { enum: ACTION_ITEM_SOURCES }).notNull(),
    sourceText: text("source_text"),
    ownerSpeakerId: text("owner_speaker_id"),
    ownerSpeakerLabel: text("owner_speaker_label"),
    ownerDisplayName: text("owner_display_name"),
    ownerRole: text("owner_role", { enum: SPEAKER_ROLES }),
    sourceSegmentIds: jsonb("source_segment_ids").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    intent: text("intent"),
    intentMetadata: jsonb("intent_metadata").$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => indexes(t, INDEXES.actionItems, builders),
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: IDEMPOTENCY_STATES }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), ...indexes(t, INDEXES.idempotencyKeys, builders)],
);

/** Webhook endpoints (docs/contract.md § Webhooks); the secret is shown to the user once, at creation or rotation. */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    description: text("description"),
    events: jsonb("events").$type<WebhookEventType[]>().notNull(),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: instant("previous_secret_expires_at"),
    enabled: boolean("enabled").notNull().default(true),
    disabledReason: text("disabled_reason"),
    failingSince: instant("failing_since"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => indexes(t, INDEXES.webhookEndpoints, builders),
);

/** One message to one endpoint, with the log of its attempts (a JSON array). */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    eventType: text("event_type").$type<WebhookMessageType>().notNull(),
    messageId: text("message_id").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    attemptLog: jsonb("attempt_log").$type<StoredAttempt[]>().notNull().default(sql`'[]'::jsonb`),
    failureReason: text("failure_reason"),
    nextAttemptAt: instant("next_attempt_at"),
    windowStartedAt: instant("window_started_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => indexes(t, INDEXES.webhookDeliveries, builders),
);

/** docs/contract.md § Speaker corrections; see the SQLite schema. */
export const speakerCorrections = pgTable(
  "speaker_corrections",
  {
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    speakerId: text("speaker_id").notNull(),
    displayName: text("display_name"),
    role: text("role", { enum: SPEAKER_ROLES }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.callId, t.speakerId] })],
);

/** docs/contract.md § Contacts; mirrors the SQLite table. */
export const contacts = pgTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupKey: text("group_key").notNull(),
    clientContactId: text("client_contact_id"),
    phoneLast4: text("phone_last4"),
    displayName: text("display_name"),
    lastCallAt: instant("last_call_at").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => indexes(t, INDEXES.contacts, builders),
);

/** Server-made secrets shared by every process of a deployment (the contact hash key when none is configured). */
export const serverSecrets = pgTable("server_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
  createdAt: createdAt(),
});
