import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { type Dialect, sqliteAsShared } from "../dialect";
import type { Store } from "../store";
import { createStoreCore } from "../store-core";
import * as schema from "./schema";
import { sqliteSearch } from "./search";
import { sqliteSpeakerCorrections } from "./speaker-corrections";

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../migrations/sqlite");

export interface SqliteStoreOptions {
  /** A file path, or ":memory:". */
  file: string;
}

/**
 * The embedded store: one SQLite file in WAL mode. The queries both dialects share
 * live in ../users.ts, ../calls.ts, …; this file holds what SQLite does differently
 * (`dialect`). better-sqlite3 is synchronous, so a statement or a transaction runs
 * to completion without interleaving — transactions here are real and cheap.
 */
export function openSqliteStore(options: SqliteStoreOptions): Store & { readonly sqlite: Database.Database } {
  if (options.file !== ":memory:") fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const sqlite = new Database(options.file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS });

  const { calls, actionItems } = schema;
  // The call list, prepared once per filter shape (the hot read paths skip query building).
  const listColumns = {
    id: calls.id,
    title: calls.title,
    contactName: calls.contactName,
    contactRef: calls.contactRef,
    direction: calls.direction,
    status: calls.status,
    durationSeconds: calls.durationSeconds,
    createdAt: calls.createdAt,
  };
  const liveItems = and(eq(actionItems.callId, calls.id), ne(actionItems.status, "DISMISSED"));
  const prepareList = (withStatus: boolean) =>
    db
      .select({
        ...listColumns,
        actionItemCount: sql<number>`(select count(*) from ${actionItems} where ${liveItems})`,
        firstActionTitle: sql<
          string | null
        >`(select ${actionItems.title} from ${actionItems} where ${liveItems} order by ${actionItems.createdAt}, ${actionItems.id} limit 1)`,
      })
      .from(calls)
      .where(
        and(
          eq(calls.userId, sql.placeholder("userId")),
          withStatus ? eq(calls.status, sql.placeholder("status") as never) : undefined,
          sql`(${calls.createdAt}, ${calls.id}) < (${sql.placeholder("afterTime")}, ${sql.placeholder("afterId")})`,
        ),
      )
      .orderBy(desc(calls.createdAt), desc(calls.id))
      .limit(sql.placeholder("limit"))
      .prepare();
  const listCalls = prepareList(false);
  const listCallsWithStatus = prepareList(true);

  // The status poll is the hottest query: one prepared statement, ids as a JSON array.
  const statusesOf = db
    .select({ id: calls.id, status: calls.status })
    .from(calls)
    .where(
      and(
        eq(calls.userId, sql.placeholder("userId")),
        sql`${calls.id} in (select value from json_each(${sql.placeholder("ids")}))`,
      ),
    )
    .prepare();
  const findUserByAuthUid = db
    .select()
    .from(schema.users)
    .where(eq(schema.users.authUid, sql.placeholder("authUid")))
    .prepare();

  const dialect: Dialect = {
    async userByAuthUid(authUid) {
      return findUserByAuthUid.get({ authUid });
    },
    async listCalls(userId, { limit, after, status }) {
      const params = {
        userId,
        limit,
        // Keyset position as a row-value comparison; "no cursor" is a position after everything.
        afterTime: after ? after.createdAt.getTime() : Number.MAX_SAFE_INTEGER,
        afterId: after ? after.id : "",
      };
      const rows = status ? listCallsWithStatus.all({ ...params, status }) : listCalls.all(params);
      for (const row of rows) row.actionItemCount = Number(row.actionItemCount);
      return rows;
    },
    async callStatuses(userId, ids) {
      if (ids.length === 0) return [];
      return statusesOf.all({ userId, ids: JSON.stringify(ids) });
    },
    rowCount: (result) => (result as Database.RunResult).changes,
    jsonArrayContains: (column, value) => sql`exists (select 1 from json_each(${column}) where value = ${value})`,
    jsonArrayAppend: (column, element) => sql`json_insert(${column}, '$[#]', json(${JSON.stringify(element)}))`,
    later: (a, b) => sql`max(${a}, ${b})`,
    daysBefore: (now, days) => sql`${now.getTime()} - ${days} * 86400000`,
    async deleteUserWithKeys(id) {
      return db.transaction((tx) => {
        tx.delete(schema.idempotencyKeys).where(eq(schema.idempotencyKeys.userId, id)).run();
        return tx.delete(schema.users).where(eq(schema.users.id, id)).run().changes > 0;
      });
    },
    async replaceAiItems(callId, rows) {
      db.transaction((tx) => {
        tx.delete(actionItems)
          .where(and(eq(actionItems.callId, callId), eq(actionItems.source, "AI")))
          .run();
        if (rows.length > 0) tx.insert(actionItems).values(rows).run();
      });
    },
  };

  const shared = { ...sqliteAsShared(db, schema), dialect };
  return {
    dialect: "sqlite",
    sqlite,
    ...createStoreCore(shared),
    speakerCorrections: sqliteSpeakerCorrections(db),
    search: sqliteSearch(sqlite),
    async close() {
      if (sqlite.open) sqlite.close();
    },
  };
}
