import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import type { Dialect } from "../dialect";
import type { Store } from "../store";
import { createStoreCore } from "../store-core";
import { postgresCallList, postgresCallStatuses } from "./call-list";
import * as schema from "./schema";
import { postgresSearch } from "./search";
import { postgresSpeakerCorrections } from "./speaker-corrections";

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../migrations/postgres");
/** Arbitrary but fixed: every replica of every version takes the same lock before migrating. */
const MIGRATION_LOCK_KEY = "7310594263";

export interface PostgresStoreOptions {
  /** A postgres:// connection string. */
  url: string;
  /** Connections in the pool (default 10). */
  maxConnections?: number;
}

/**
 * Applies the drizzle-kit migrations while holding a session-level advisory
 * lock, so replicas starting together migrate one after the other: the first
 * applies, the rest find nothing left to do.
 */
export async function migratePostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migrate(drizzle(client), { migrationsFolder: MIGRATIONS });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

/**
 * The scale-out store: PostgreSQL through a node-postgres pool. Unlike the
 * embedded store, callers really do run concurrently (many API replicas and
 * workers), so every guarantee the Store contract makes is carried by a single
 * statement or a row lock rather than by running alone. The queries both dialects
 * share live in ../users.ts, ../calls.ts, …; this file holds what PostgreSQL does
 * differently (`dialect`).
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  await migratePostgres(options.url);
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const db = drizzle(pool, { schema });

  const { calls, actionItems } = schema;

  // The hot read paths, prepared once: the call list and the status poll (call-list.ts), the user lookup.
  const listCalls = postgresCallList(pool);
  const statusesOf = postgresCallStatuses(pool);
  // Every authenticated request looks its user up.
  const findUserByAuthUid = db
    .select()
    .from(schema.users)
    .where(eq(schema.users.authUid, sql.placeholder("authUid")))
    .prepare("users_by_auth_uid");

  const dialect: Dialect = {
    async userByAuthUid(authUid) {
      const [user] = await findUserByAuthUid.execute({ authUid });
      return user;
    },
    listCalls: async (userId, options) => listCalls(userId, options),
    async callStatuses(userId, ids) {
      if (ids.length === 0) return [];
      return statusesOf(userId, ids);
    },
    rowCount: (result) => (result as pg.QueryResult).rowCount ?? 0,
    jsonArrayContains: (column, value) => sql`${column} @> ${JSON.stringify([value])}::jsonb`,
    jsonArrayAppend: (column, element) => sql`${column} || ${JSON.stringify([element])}::jsonb`,
    later: (a, b) => sql`greatest(${a}, ${b})`,
    daysBefore: (now, days) => sql`${now.toISOString()}::timestamptz - make_interval(days => ${days})`,
    async deleteUserWithKeys(id) {
      return db.transaction(async (tx) => {
        await tx.delete(schema.idempotencyKeys).where(eq(schema.idempotencyKeys.userId, id));
        return ((await tx.delete(schema.users).where(eq(schema.users.id, id))).rowCount ?? 0) > 0;
      });
    },
    async replaceAiItems(callId, rows) {
      await db.transaction(async (tx) => {
        // Two workers replaying one call would otherwise both delete the old set
        // and both insert theirs; the call's row lock makes them take turns.
        await tx.select({ id: calls.id }).from(calls).where(eq(calls.id, callId)).for("update");
        await tx.delete(actionItems).where(and(eq(actionItems.callId, callId), eq(actionItems.source, "AI")));
        if (rows.length > 0) await tx.insert(actionItems).values(rows);
      });
    },
  };

  const shared = { db, t: schema, dialect };
  return {
    dialect: "postgres",
    ...createStoreCore(shared),
    speakerCorrections: postgresSpeakerCorrections(db),
    search: postgresSearch(db),
    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
