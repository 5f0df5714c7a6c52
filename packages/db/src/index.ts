export { callListSql, callStatusesSql, withActionSummaries } from "./call-list";
export * from "./model";
export { migratePostgres, openPostgresStore, type PostgresStoreOptions } from "./postgres/postgres-store";
export {
  IDEMPOTENCY_ABANDONED_MS,
  IDEMPOTENCY_TTL_MS,
  openSqliteStore,
  type SqliteStoreOptions,
} from "./sqlite/sqlite-store";
export type { ActionItemPatch, CallPatch, Store, TransitionFields } from "./store";
