export * from "./model";
export type { Store, CallPatch, TransitionFields, ActionItemPatch } from "./store";
export { openSqliteStore, IDEMPOTENCY_ABANDONED_MS, IDEMPOTENCY_TTL_MS, type SqliteStoreOptions } from "./sqlite/sqlite-store";
export { openPostgresStore, migratePostgres, type PostgresStoreOptions } from "./postgres/postgres-store";
