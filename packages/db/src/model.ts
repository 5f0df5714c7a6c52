/**
 * Domain records as the store hands them out (plain objects, Dates for instants),
 * and the one definition of every enum: both schemas, the API and the clients
 * import these lists.
 */

export const CALL_STATUSES = ["QUEUED", "TRANSCRIBING", "ANALYZING", "COMPLETED", "FAILED"] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const TERMINAL_STATUSES: readonly CallStatus[] = ["COMPLETED", "FAILED"];
export const NON_TERMINAL_STATUSES: readonly CallStatus[] = CALL_STATUSES.filter((s) => !TERMINAL_STATUSES.includes(s));

export const DIRECTIONS = ["INCOMING", "OUTGOING", "UNKNOWN"] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const ARTIFACT_TYPES = [
  "TEMP_AUDIO",
  "DIARIZATION_JSON",
  "RAW_TRANSCRIPT_JSON",
  "NORMALIZED_TRANSCRIPT_JSON",
  "ANALYSIS_JSON",
] as const;
export type ArtifactType = (typeof ARTIFACT_TYPES)[number];

export const ACTION_ITEM_STATUSES = ["OPEN", "IN_PROGRESS", "DONE", "DISMISSED"] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];
export const PRIORITIES = ["LOW", "MEDIUM", "HIGH"] as const;
export type Priority = (typeof PRIORITIES)[number];
export const ACTION_ITEM_SOURCES = ["AI", "MANUAL"] as const;
export type ActionItemSource = (typeof ACTION_ITEM_SOURCES)[number];
export const SPEAKER_ROLES = ["USER", "CONTACT", "UNKNOWN"] as const;
export type SpeakerRole = (typeof SPEAKER_ROLES)[number];

/** What an outside service received from a call (docs/contract.md § Egress ledger). */
export const EGRESS_DATA = ["AUDIO", "TRANSCRIPT"] as const;
export type EgressData = (typeof EGRESS_DATA)[number];

/** DEFERRED: a transient provider fault; the stage runs again later (docs/contract.md § Pipeline). */
export const EVENT_STATUSES = ["STARTED", "COMPLETED", "FAILED", "SKIPPED", "DEFERRED"] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export interface User {
  id: string;
  authUid: string;
  email: string | null;
  displayName: string | null;
  /** Days a call is kept; null = the server default (SCRYON_RETENTION_DAYS). */
  retentionDays: number | null;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface CallRecord {
  id: string;
  userId: string;
  title: string | null;
  contactName: string | null;
  contactId: string | null;
  phoneNumber: string | null;
  organization: string | null;
  direction: Direction | null;
  recordedAt: Date | null;
  durationSeconds: number | null;
  /** The spoken language as given at upload (a BCP-47 tag, e.g. "pt-BR"); null = the default or detection. */
  language: string | null;
  /** Names and terms given at upload, passed to the transcription provider as its native hint. */
  vocabulary: string[];
  status: CallStatus;
  errorReason: string | null;
  summaryOverride: string | null;
  analysisSummary: string | null;
  notes: string | null;
  sourceContentType: string | null;
  sourceSizeBytes: number | null;
  staleRequeues: number;
  /** The stage whose provider is failing transiently, while the call waits for its next attempt. */
  retryStage: string | null;
  /** Deferred attempts so far in the current retry window. */
  retryAttempts: number;
  /** The end of the retry window; null when the call is not retrying. */
  retryingUntil: Date | null;
  /** The call FAILED on a transient fault (its retry window ran out), so it may be retried. */
  failureTransient: boolean;
  /** Our contact the call is grouped into (docs/contract.md § Contacts); `contactId` is the client's own id. */
  contactRef: string | null;
  /** The analysis's overall sentiment (positive, neutral, negative, mixed, unclear), once analysed. */
  sentiment: string | null;
  /** Live (not dismissed) action items, kept on the row by the database for the list (docs/architecture.md § The call list). */
  actionItemCount: number;
  /** The oldest live action item's title, kept with the count. */
  firstActionTitle: string | null;
  statusChangedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type NewCall = Pick<
  CallRecord,
  | "id"
  | "userId"
  | "title"
  | "contactName"
  | "contactId"
  | "phoneNumber"
  | "organization"
  | "direction"
  | "recordedAt"
  | "durationSeconds"
  | "sourceContentType"
  | "sourceSizeBytes"
> &
  Partial<Pick<CallRecord, "language" | "vocabulary" | "contactRef">>;

/** A call as the list shows it: only the columns a list item carries, so the hot list query reads no more. */
export type CallListRow = Pick<
  CallRecord,
  | "id"
  | "title"
  | "contactName"
  | "contactRef"
  | "direction"
  | "status"
  | "durationSeconds"
  | "createdAt"
  | "actionItemCount"
  | "firstActionTitle"
>;

export interface Artifact {
  callId: string;
  type: ArtifactType;
  storageKey: string;
  contentType: string;
  sizeBytes: number;
  createdAt: Date;
}

export interface ProcessingEvent {
  id: string;
  callId: string;
  stage: string;
  status: EventStatus;
  durationMs: number | null;
  provider: string | null;
  errorCode: string | null;
  /** Set when an outside service received the call's audio or text in this stage. */
  host: string | null;
  model: string | null;
  dataSent: EgressData | null;
  createdAt: Date;
}

export interface ActionItem {
  id: string;
  callId: string;
  userId: string;
  title: string;
  description: string | null;
  dueDate: string | null;
  status: ActionItemStatus;
  priority: Priority;
  source: ActionItemSource;
  sourceText: string | null;
  ownerSpeakerId: string | null;
  ownerSpeakerLabel: string | null;
  ownerDisplayName: string | null;
  ownerRole: SpeakerRole | null;
  sourceSegmentIds: string[];
  intent: string | null;
  intentMetadata: Record<string, unknown> | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewActionItem = Omit<ActionItem, "createdAt" | "updatedAt">;

export const IDEMPOTENCY_STATES = ["PENDING", "DONE"] as const;
export type IdempotencyState = (typeof IDEMPOTENCY_STATES)[number];

export interface IdempotencyRecord {
  userId: string;
  key: string;
  requestHash: string;
  state: IdempotencyState;
  responseStatus: number | null;
  responseBody: string | null;
  createdAt: Date;
}

/** Keyset position: the list is ordered newest first by (createdAt, id). */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

/** What a webhook endpoint can subscribe to (docs/contract.md § Webhooks); `webhook.test` is sent on request only. */
export const WEBHOOK_EVENT_TYPES = ["call.completed", "call.failed", "call.deleted"] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
export type WebhookMessageType = WebhookEventType | "webhook.test";
export const WEBHOOK_DELIVERY_STATUSES = ["PENDING", "SUCCEEDED", "FAILED"] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

export interface WebhookEndpoint {
  id: string;
  userId: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  /** `whsec_…`: signs every delivery. */
  secret: string;
  /** The secret before the last rotation; it signs alongside the new one until `previousSecretExpiresAt`. */
  previousSecret: string | null;
  previousSecretExpiresAt: Date | null;
  enabled: boolean;
  disabledReason: string | null;
  /** When the current run of failed attempts began; null while the endpoint answers. */
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhookEndpoint = Pick<WebhookEndpoint, "id" | "userId" | "url" | "description" | "events" | "secret">;
export type WebhookEndpointPatch = Partial<
  Pick<
    WebhookEndpoint,
    | "url"
    | "description"
    | "events"
    | "secret"
    | "previousSecret"
    | "previousSecretExpiresAt"
    | "enabled"
    | "disabledReason"
    | "failingSince"
  >
>;

/** One attempt to POST a delivery: what the receiver answered, or why nothing came back. */
export interface WebhookAttempt {
  attempt: number;
  at: Date;
  /** The HTTP status, or null on a network error or timeout. */
  statusCode: number | null;
  durationMs: number;
  /** A short code: `timeout`, `network_error`, `refused_address`, `http_500`, … */
  error: string | null;
}

/** One message to one endpoint; every attempt carries the same `webhook-id` and body. */
export interface WebhookDelivery {
  id: string;
  endpointId: string;
  userId: string;
  eventType: WebhookMessageType;
  /** The `webhook-id` header (`msg_…`), stable across retries and redeliveries. */
  messageId: string;
  /** The exact JSON body that is signed and sent. */
  payload: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  attemptLog: WebhookAttempt[];
  /** Why it stopped (FAILED), e.g. `gone`, `client_error`, `retries_exhausted`, `endpoint_disabled`. */
  failureReason: string | null;
  nextAttemptAt: Date | null;
  /** The start of the current retry window (creation, or the last redeliver). */
  windowStartedAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

export type NewWebhookDelivery = Pick<
  WebhookDelivery,
  "id" | "endpointId" | "userId" | "eventType" | "messageId" | "payload"
>;

/** Bounds of the per-call vocabulary hint (docs/contract.md § Upload metadata). */
export const MAX_VOCABULARY_TERMS = 100;
export const MAX_VOCABULARY_TERM_LENGTH = 50;

/** What a language hint must be, for refusals. */
export const LANGUAGE_TAG_RULE = 'must be a BCP-47 language tag with an ISO-639-1 language ("en", "hi", "pt-BR")';

const languageNames = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" });

/**
 * A transcription language hint: a BCP-47 tag whose language is an ISO-639-1 code
 * ("en", "hi", "pt-BR"), in its canonical case; null for anything else (names,
 * three-letter codes, malformed tags), which every provider could not take.
 */
export function canonicalLanguageTag(value: string): string | null {
  let canonical: string | undefined;
  try {
    canonical = Intl.getCanonicalLocales(value.trim())[0];
  } catch {
    return null;
  }
  const language = canonical?.split("-")[0] ?? "";
  if (!canonical || !/^[a-z]{2}$/.test(language) || !languageNames.of(language)) return null;
  return canonical;
}

/**
 * A speaker identity the user pinned on a call (docs/contract.md § Speaker corrections): applied over what the
 * speaker resolution decides, every time it runs. `displayName` null: no name (the label follows the role).
 */
export interface SpeakerCorrectionRecord {
  callId: string;
  speakerId: string;
  displayName: string | null;
  role: SpeakerRole;
  createdAt: Date;
  updatedAt: Date;
}

/** A person across calls (docs/contract.md § Contacts). The phone number is kept only as its last four digits. */
export interface Contact {
  id: string;
  userId: string;
  /** How calls find the contact: `client:…`, `phone:<keyed hash>` or `name:…`. */
  groupKey: string;
  /** The client's own id (an address-book id) when the contact was grouped by it. */
  clientContactId: string | null;
  phoneLast4: string | null;
  displayName: string | null;
  /** When the contact's latest call was uploaded: the list is ordered by it, newest first. */
  lastCallAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** An AI action item's owner fields, as re-reconciled after a speaker correction. */
export type ActionItemOwner = Pick<
  ActionItem,
  "id" | "ownerSpeakerId" | "ownerSpeakerLabel" | "ownerDisplayName" | "ownerRole"
>;

/** A contact with what its calls add up to, as the list and the detail show it. */
export interface ContactSummary extends Contact {
  callCount: number;
  openActionItemCount: number;
  /** The overall sentiment of the newest analysed call. */
  lastSentiment: string | null;
}

/** What one call brings to its contact's find-or-create. */
export interface ContactAttachment {
  userId: string;
  groupKey: string;
  clientContactId: string | null;
  phoneLast4: string | null;
  /** Fills the contact's name only while it has none: a name the user chose is never overwritten. */
  displayName: string | null;
  at: Date;
}
