import type {
  ActionItem,
  ActionItemOwner,
  ActionItemStatus,
  Artifact,
  ArtifactType,
  CallListRow,
  CallRecord,
  CallStatus,
  Contact,
  ContactAttachment,
  ContactSummary,
  IdempotencyRecord,
  ListPosition,
  NewActionItem,
  NewCall,
  NewWebhookDelivery,
  NewWebhookEndpoint,
  ProcessingEvent,
  SpeakerCorrectionRecord,
  User,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEndpointPatch,
  WebhookEventType,
} from "./model";
import type { SearchDocument, SearchHit, SearchKind, SearchQuery } from "./search-model";

export type CallPatch = Partial<Pick<CallRecord, "title" | "summaryOverride" | "notes">>;
export type TransitionFields = Partial<
  Pick<
    CallRecord,
    | "errorReason"
    | "durationSeconds"
    | "analysisSummary"
    | "staleRequeues"
    | "retryStage"
    | "retryAttempts"
    | "retryingUntil"
    | "failureTransient"
    | "sentiment"
  >
>;
export type ActionItemPatch = Partial<Pick<ActionItem, "title" | "description" | "dueDate" | "priority" | "status">>;

/**
 * Relational state behind one small interface; SQLite (embedded) and PostgreSQL
 * (scale-out) implement it and pass the same contract tests. Every read that
 * takes a userId is owner-scoped: another user's row is indistinguishable from
 * a missing one.
 */
export interface Store {
  readonly dialect: "sqlite" | "postgres";

  users: {
    findOrCreate(input: { authUid: string; email: string | null; displayName: string | null }): Promise<User>;
    get(id: string): Promise<User | null>;
    updateDisplayName(id: string, displayName: string | null): Promise<User | null>;
    setRetentionDays(id: string, retentionDays: number | null): Promise<User | null>;
    /**
     * Removes the user's idempotency records, then the user row; calls, artifact rows,
     * action items and events go with it (docs/contract.md § Retention and account deletion).
     */
    delete(id: string): Promise<boolean>;
  };

  calls: {
    insert(call: NewCall): Promise<CallRecord>;
    get(userId: string, id: string): Promise<CallRecord | null>;
    /** Unscoped read for workers and sweepers. */
    getById(id: string): Promise<CallRecord | null>;
    list(
      userId: string,
      options: { limit: number; after?: ListPosition | null; status?: CallStatus | null },
    ): Promise<CallListRow[]>;
    statuses(userId: string, ids: string[]): Promise<Array<Pick<CallRecord, "id" | "status">>>;
    update(userId: string, id: string, patch: CallPatch): Promise<CallRecord | null>;
    /**
     * Compare-and-set status change: applies only while the call is in one of
     * `from`. Returns false when someone else moved it first.
     */
    transition(id: string, from: readonly CallStatus[], to: CallStatus, fields?: TransitionFields): Promise<boolean>;
    /** Non-terminal calls whose status has not changed since `before`. */
    findStale(before: Date, limit: number): Promise<CallRecord[]>;
    /** Deletes the row; action items, events and artifact rows go with it. */
    delete(userId: string, id: string): Promise<boolean>;
    /**
     * Calls older than their owner's retention (the user's `retentionDays`, else
     * `defaultDays`; neither set = kept), oldest first, for the retention sweeper.
     */
    expired(now: Date, defaultDays: number | null, limit: number): Promise<Array<Pick<CallRecord, "id" | "userId">>>;
    /** Call ids that exist, for the orphan sweeper. */
    existingIds(ids: string[]): Promise<Set<string>>;
  };

  artifacts: {
    /** One row per (call, type), replaced in place. */
    upsert(artifact: Omit<Artifact, "createdAt">): Promise<void>;
    get(callId: string, type: ArtifactType): Promise<Artifact | null>;
    list(callId: string): Promise<Artifact[]>;
    remove(callId: string, type: ArtifactType): Promise<void>;
    olderThan(type: ArtifactType, before: Date, limit: number): Promise<Artifact[]>;
  };

  events: {
    add(
      event: Omit<ProcessingEvent, "id" | "createdAt" | "host" | "model" | "dataSent"> &
        Partial<Pick<ProcessingEvent, "host" | "model" | "dataSent">>,
    ): Promise<void>;
    list(callId: string): Promise<ProcessingEvent[]>;
  };

  actionItems: {
    /** Delete-then-insert of a call's AI items, in one transaction; manual items stay. */
    replaceAiItems(callId: string, items: NewActionItem[]): Promise<void>;
    insert(item: NewActionItem): Promise<ActionItem>;
    get(userId: string, id: string): Promise<ActionItem | null>;
    listForCall(userId: string, callId: string): Promise<ActionItem[]>;
    listForUser(
      userId: string,
      options: { limit: number; after?: ListPosition | null; status?: ActionItemStatus | null },
    ): Promise<ActionItem[]>;
    update(userId: string, id: string, patch: ActionItemPatch): Promise<ActionItem | null>;
    delete(userId: string, id: string): Promise<boolean>;
  };

  /** docs/contract.md § Speaker corrections. Rows go with their call. */
  speakerCorrections: {
    /** The call's pinned speaker identities, by speaker id. */
    list(callId: string): Promise<SpeakerCorrectionRecord[]>;
    /** Inserts or replaces the (call, speaker) rows, in one transaction. */
    upsert(
      callId: string,
      corrections: ReadonlyArray<Pick<SpeakerCorrectionRecord, "speakerId" | "displayName" | "role">>,
    ): Promise<void>;
    /**
     * Sets the owner fields of the call's AI items named in `owners`; every other field, and MANUAL items, stay as
     * they are.
     */
    setAiItemOwners(callId: string, owners: readonly ActionItemOwner[]): Promise<void>;
  };

  webhooks: {
    insert(endpoint: NewWebhookEndpoint): Promise<WebhookEndpoint>;
    get(userId: string, id: string): Promise<WebhookEndpoint | null>;
    /** Unscoped read for the delivery worker. */
    getById(id: string): Promise<WebhookEndpoint | null>;
    list(userId: string, options: { limit: number; after?: ListPosition | null }): Promise<WebhookEndpoint[]>;
    /** The user's enabled endpoints subscribed to `eventType`. */
    subscribed(userId: string, eventType: WebhookEventType): Promise<WebhookEndpoint[]>;
    update(userId: string, id: string, patch: WebhookEndpointPatch): Promise<WebhookEndpoint | null>;
    /**
     * After an attempt: success clears `failingSince`; a failure starts it (if not
     * running) and disables the endpoint with `disableReason` once it began before
     * `disableIfFailingSince`. Returns whether the endpoint is now disabled.
     */
    recordOutcome(
      id: string,
      outcome: { succeeded: boolean; at: Date; disableIfFailingSince: Date; disableReason: string },
    ): Promise<{ disabled: boolean }>;
    delete(userId: string, id: string): Promise<boolean>;
  };

  webhookDeliveries: {
    insert(delivery: NewWebhookDelivery): Promise<WebhookDelivery>;
    get(userId: string, endpointId: string, id: string): Promise<WebhookDelivery | null>;
    getById(id: string): Promise<WebhookDelivery | null>;
    list(
      userId: string,
      endpointId: string,
      options: { limit: number; after?: ListPosition | null },
    ): Promise<WebhookDelivery[]>;
    /**
     * Compare-and-set: appends attempt N (its `at` is when it was sent) only while the delivery is PENDING with
     * N − 1 attempts, so a redelivered job never records an attempt twice.
     */
    recordAttempt(
      id: string,
      attempt: WebhookAttempt,
      next: { status: WebhookDeliveryStatus; failureReason: string | null; nextAttemptAt: Date | null },
    ): Promise<boolean>;
    /** A finished delivery (not PENDING) goes back to PENDING with a fresh retry window; null otherwise. */
    reopen(userId: string, endpointId: string, id: string, at: Date): Promise<WebhookDelivery | null>;
  };

  contacts: ContactStore;

  idempotency: {
    /**
     * Claims (user, key) for a request. Exactly one concurrent caller gets
     * `{ claimed: true }`; the others get the existing record.
     */
    claim(
      userId: string,
      key: string,
      requestHash: string,
    ): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }>;
    complete(userId: string, key: string, responseStatus: number, responseBody: string): Promise<void>;
    /** Frees a claim whose request failed, so a retry can run it again. */
    release(userId: string, key: string): Promise<void>;
    get(userId: string, key: string): Promise<IdempotencyRecord | null>;
    purgeBefore(before: Date): Promise<number>;
  };

  /** Full-text search over the user's calls (docs/contract.md § Search); a call's documents go with it. */
  search: {
    /** Replaces the call's documents of `kinds` (default: every kind) in one transaction; nothing when the call is gone. */
    replace(callId: string, documents: SearchDocument[], kinds?: readonly SearchKind[]): Promise<void>;
    /** The user's hits, best first (lowest score, then id), after `query.after`. */
    query(userId: string, query: SearchQuery): Promise<SearchHit[]>;
  };

  close(): Promise<void>;
}

/** docs/contract.md § Contacts. Owner-scoped like the rest: another user's contact reads as missing. */
export interface ContactStore {
  /**
   * Find-or-create by (user, group key) in one statement, so concurrent uploads of one person end in one
   * contact; moves its `lastCallAt` forward and fills a missing name or last four digits. Returns its id.
   */
  attach(attachment: ContactAttachment): Promise<string>;
  get(userId: string, id: string): Promise<ContactSummary | null>;
  /** Newest activity first; the keyset position's `createdAt` is the contact's `lastCallAt`. */
  list(userId: string, options: { limit: number; after?: ListPosition | null }): Promise<ContactSummary[]>;
  rename(userId: string, id: string, displayName: string | null): Promise<Contact | null>;
  /** The contact's calls, newest first. */
  calls(userId: string, id: string, limit: number): Promise<CallRecord[]>;
  /** Open (OPEN or IN_PROGRESS) action items of the contact's calls, newest first. */
  openItems(userId: string, id: string, limit: number): Promise<ActionItem[]>;
  /** Calls without a contact that carry something to group by (from before contacts existed), oldest first. */
  ungroupedCalls(limit: number, after: ListPosition | null): Promise<CallRecord[]>;
  /** Links a call to its contact and, when the call is finished, drops its full phone number in the same write. */
  link(callId: string, contactId: string): Promise<void>;
  /** The value stored under `name`, or `candidate` stored there when there is none yet (first writer wins). */
  sharedSecret(name: string, candidate: string): Promise<string>;
}
