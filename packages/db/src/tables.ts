/**
 * Facts both schemas declare (beyond the enum lists in model.ts): the secondary indexes and the JSON
 * attempt log's shape. Each schema declares its columns in its own dialect's types and builds these.
 */

/** An attempt as stored in the JSON log: the instant as epoch milliseconds. */
export interface StoredAttempt {
  attempt: number;
  at: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
}

interface IndexSpec {
  name: string;
  /** Column property names, in index order. */
  on: readonly [string, ...string[]];
  unique?: boolean;
}

/** Secondary indexes per table, under the names the migrations gave them. */
export const INDEXES = {
  users: [{ name: "users_auth_uid_uq", on: ["authUid"], unique: true }],
  calls: [
    // Keyset pagination: newest first per user, optionally per status.
    { name: "calls_user_created_idx", on: ["userId", "createdAt", "id"] },
    { name: "calls_user_status_created_idx", on: ["userId", "status", "createdAt", "id"] },
    // Stale-job sweeper.
    { name: "calls_status_changed_idx", on: ["status", "statusChangedAt"] },
    // A contact's calls, newest first.
    { name: "calls_contact_created_idx", on: ["contactRef", "createdAt", "id"] },
  ],
  callArtifacts: [{ name: "call_artifacts_type_created_idx", on: ["type", "createdAt"] }],
  processingEvents: [{ name: "processing_events_call_idx", on: ["callId", "createdAt"] }],
  actionItems: [
    { name: "action_items_user_created_idx", on: ["userId", "createdAt", "id"] },
    { name: "action_items_call_idx", on: ["callId", "createdAt"] },
  ],
  idempotencyKeys: [{ name: "idempotency_created_idx", on: ["createdAt"] }],
  webhookEndpoints: [{ name: "webhook_endpoints_user_created_idx", on: ["userId", "createdAt", "id"] }],
  webhookDeliveries: [{ name: "webhook_deliveries_endpoint_created_idx", on: ["endpointId", "createdAt", "id"] }],
  contacts: [
    { name: "contacts_user_group_key_uq", on: ["userId", "groupKey"], unique: true },
    { name: "contacts_user_last_call_idx", on: ["userId", "lastCallAt", "id"] },
  ],
} as const satisfies Record<string, readonly IndexSpec[]>;

/** The dialect's index builders (`index` and `uniqueIndex` of drizzle's sqlite-core or pg-core). */
interface IndexBuilders<Column, Built> {
  index(name: string): { on(...columns: [Column, ...Column[]]): Built };
  uniqueIndex(name: string): { on(...columns: [Column, ...Column[]]): Built };
}

/** A table's `INDEXES` entry as the dialect's index declarations; a column name the table lacks does not compile. */
export function indexes<Name extends string, Column, Built>(
  columns: Record<Name, Column>,
  specs: readonly { name: string; on: readonly [NoInfer<Name>, ...NoInfer<Name>[]]; unique?: boolean }[],
  builders: IndexBuilders<Column, Built>,
): Built[] {
  return specs.map(({ name, on: [first, ...rest], unique }) =>
    (unique ? builders.uniqueIndex(name) : builders.index(name)).on(columns[first], ...rest.map((c) => columns[c])),
  );
}
