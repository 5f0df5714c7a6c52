export { callListSql, callStatusesSql } from "./call-list";
export { IDEMPOTENCY_ABANDONED_MS, IDEMPOTENCY_TTL_MS } from "./idempotency";
export * from "./model";
export { migratePostgres, openPostgresStore, type PostgresStoreOptions } from "./postgres/postgres-store";
export * from "./search-model";
export { openSqliteStore, type SqliteStoreOptions } from "./sqlite/sqlite-store";
export type { ActionItemPatch, CallPatch, Store, TransitionFields } from "./store";
