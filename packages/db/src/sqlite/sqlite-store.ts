import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { type Dialect, sqliteAsShared } from "../dialect";
import type { Store } from "../store";
import { createStoreCore } from "../store-core";
import { sqliteCallList, sqliteCallStatuses } from "./call-list";
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
  const { actionItems } = schema;

  // The hot read paths, prepared once: the call list and the status poll (call-list.ts), the user lookup.
  const listCalls = sqliteCallList(sqlite);
  const statusesOf = sqliteCallStatuses(sqlite);
  const findUserByAuthUid = db
    .select()
    .from(schema.users)
    .where(eq(schema.users.authUid, sql.placeholder("authUid")))
    .prepare();

  const dialect: Dialect = {
    async userByAuthUid(authUid) {
      return findUserByAuthUid.get({ authUid });
    },
    listCalls: async (userId, options) => listCalls(userId, options),
    async callStatuses(userId, ids) {
      if (ids.length === 0) return [];
      return statusesOf(userId, ids);
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
