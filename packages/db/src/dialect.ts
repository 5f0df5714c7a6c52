import type { Column, SQL, Table } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type * as pgSchema from "./postgres/schema";
import type * as sqliteSchema from "./sqlite/schema";
import type { Store } from "./store";

/*
 * Why the shared queries are typed against the PostgreSQL tables: drizzle's two dialects share no
 * common query-builder type, and TypeScript cannot call a union of their overloaded builders, so
 * "generic over both" cannot be written. The shared modules (users.ts, calls.ts, …) are therefore
 * checked against one dialect's types — PostgreSQL's, whose store passes its handle uncast — and the
 * SQLite store passes its handle and tables through `sqliteAsShared`, which compiles only while every
 * shared table has the same select and insert row types in both schemas. The shared code uses only what
 * both drivers do alike: select/insert/update/delete builders, awaited, with `.returning()`; everything
 * else (transactions, JSON operators, interval arithmetic, row counts, the prepared hot reads) is in the
 * `Dialect` each store supplies. The contract suite runs every shared query on both.
 */

type SharedTableName =
  | "users"
  | "calls"
  | "callArtifacts"
  | "processingEvents"
  | "actionItems"
  | "idempotencyKeys"
  | "webhookEndpoints"
  | "webhookDeliveries"
  | "contacts"
  | "serverSecrets";

/** The tables the shared queries read and write. */
type Tables = Pick<typeof pgSchema, SharedTableName>;

/** What shared code may do with a database handle: build statements and await them. */
type SharedDb = Pick<NodePgDatabase<typeof pgSchema>, "select" | "insert" | "update" | "delete">;

/** A shared table's row as selected, and as inserted. */
export type Row<Name extends SharedTableName> = Tables[Name]["$inferSelect"];
type InsertRow<Name extends SharedTableName> = Tables[Name]["$inferInsert"];

/**
 * The only places where the two stores differ: what the dialects (and their drivers) do differently.
 * Each store builds one, next to its prepared statements.
 */
export interface Dialect {
  /** The hot reads, prepared once per store: every authenticated request, the call list and the status poll. */
  userByAuthUid(authUid: string): Promise<Row<"users"> | undefined>;
  listCalls: Store["calls"]["list"];
  callStatuses: Store["calls"]["statuses"];
  /** Rows changed by an awaited update or delete without `.returning()` (the drivers report it differently). */
  rowCount(result: unknown): number;
  /** `column`, a JSON array, contains the string `value`. */
  jsonArrayContains(column: Column, value: string): SQL;
  /** `column`, a JSON array, with `element` appended. */
  jsonArrayAppend(column: Column, element: object): SQL;
  /** The later of two instants (SQLite's two-argument `max`, PostgreSQL's `greatest`). */
  later(a: Column | SQL, b: Column | SQL): SQL;
  /** The instant `days` (an integer expression) days before `now`, comparable with a timestamp column. */
  daysBefore(now: Date, days: SQL): SQL;
  /**
   * Multi-statement writes, each in one transaction: better-sqlite3 transactions are synchronous and
   * cannot await, so each dialect runs these itself.
   */
  deleteUserWithKeys(id: string): Promise<boolean>;
  replaceAiItems(callId: string, rows: InsertRow<"actionItems">[]): Promise<void>;
}

/** What every shared sub-object builder gets. */
export interface Shared {
  db: SharedDb;
  t: Tables;
  dialect: Dialect;
}

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameRows<A extends Table, B extends Table> =
  Same<A["$inferSelect"], B["$inferSelect"]> extends true ? Same<A["$inferInsert"], B["$inferInsert"]> : false;
/** The shared tables whose SQLite declaration has other row types than the PostgreSQL one. */
type Mismatched = {
  [K in SharedTableName]: SameRows<(typeof sqliteSchema)[K], Tables[K]> extends true ? never : K;
}[SharedTableName];

/**
 * The SQLite handle and tables as the shared queries see them. Compiles only while every shared table's
 * row types are the same in both schemas (`Mismatched` is empty); the builders behave alike (see the note above).
 */
export function sqliteAsShared(
  db: BetterSQLite3Database<typeof sqliteSchema>,
  tables: typeof sqliteSchema & ([Mismatched] extends [never] ? unknown : { rowTypesDifferIn: Mismatched }),
) {
  return { db: db as unknown as SharedDb, t: tables as unknown as Tables };
}
