import { randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { and, asc, desc, eq, inArray, lt, ne, notInArray, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { afterPosition } from "../keyset";
import { toWebhookDelivery } from "../mappers";
import {
  type ActionItem,
  type Artifact,
  type ArtifactType,
  type CallRecord,
  TERMINAL_STATUSES,
  type WebhookDelivery,
} from "../model";
import { IDEMPOTENCY_ABANDONED_MS, IDEMPOTENCY_TTL_MS } from "../sqlite/sqlite-store";
import type { Store } from "../store";
import { postgresCallList, postgresCallStatuses } from "./call-list";
import * as schema from "./schema";

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../migrations/postgres");
/** Arbitrary but fixed: every replica of every version takes the same lock before migrating. */
const MIGRATION_LOCK_KEY = "7310594263";
/** An idempotency claim that loses a race to a release retries this often before giving up. */
const CLAIM_ATTEMPTS = 5;

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
 * statement or a row lock rather than by running alone.
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  await migratePostgres(options.url);
  const pool = new pg.Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const db = drizzle(pool, { schema });

  const {
    users,
    calls,
    callArtifacts,
    processingEvents,
    actionItems,
    idempotencyKeys,
    webhookEndpoints,
    webhookDeliveries,
  } = schema;
  const toDelivery = (row: typeof webhookDeliveries.$inferSelect): WebhookDelivery => toWebhookDelivery(row);

  const toCall = (row: typeof calls.$inferSelect): CallRecord => row;
  const toArtifact = (row: typeof callArtifacts.$inferSelect): Artifact => ({ ...row, type: row.type as ArtifactType });
  const toActionItem = (row: typeof actionItems.$inferSelect): ActionItem => ({
    ...row,
    intentMetadata: row.intentMetadata ?? null,
  });
  const changed = (result: { rowCount: number | null }) => (result.rowCount ?? 0) > 0;

  // The hot read paths as named prepared statements: PostgreSQL plans them once per connection.
  // The call list in one statement (call-list.ts).
  const listCalls = postgresCallList(pool);
  const statusesOf = postgresCallStatuses(pool);
  // Every authenticated request looks its user up.
  const findUserByAuthUid = db
    .select()
    .from(users)
    .where(eq(users.authUid, sql.placeholder("authUid")))
    .prepare("users_by_auth_uid");

  return {
    dialect: "postgres",

    users: {
      async findOrCreate(input) {
        const now = new Date();
        // Every authenticated request lands here: read first, write only for a new user.
        const [existing] = await findUserByAuthUid.execute({ authUid: input.authUid });
        if (existing && (input.email === null || input.email === existing.email)) return existing;
        await db
          .insert(users)
          .values({
            id: randomUUID(),
            authUid: input.authUid,
            email: input.email,
            displayName: input.displayName,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: users.authUid });
        const [user] = await db.select().from(users).where(eq(users.authUid, input.authUid));
        if (!user) throw new Error("user vanished during findOrCreate");
        // Keep the e-mail current; a display name the user chose wins over the token's.
        if (input.email !== null && input.email !== user.email) {
          await db.update(users).set({ email: input.email, updatedAt: now }).where(eq(users.id, user.id));
          user.email = input.email;
        }
        return user;
      },
      async get(id) {
        const [row] = await db.select().from(users).where(eq(users.id, id));
        return row ?? null;
      },
      async updateDisplayName(id, displayName) {
        const [row] = await db
          .update(users)
          .set({ displayName, updatedAt: new Date() })
          .where(eq(users.id, id))
          .returning();
        return row ?? null;
      },
      async setRetentionDays(id, retentionDays) {
        const [row] = await db
          .update(users)
          .set({ retentionDays, updatedAt: new Date() })
          .where(eq(users.id, id))
          .returning();
        return row ?? null;
      },
      async delete(id) {
        return db.transaction(async (tx) => {
          await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.userId, id));
          return changed(await tx.delete(users).where(eq(users.id, id)));
        });
      },
    },

    calls: {
      async insert(call) {
        const now = new Date();
        const [row] = await db
          .insert(calls)
          .values({ ...call, status: "QUEUED", statusChangedAt: now, createdAt: now, updatedAt: now })
          .returning();
        return toCall(row!);
      },
      async get(userId, id) {
        const [row] = await db
          .select()
          .from(calls)
          .where(and(eq(calls.id, id), eq(calls.userId, userId)));
        return row ? toCall(row) : null;
      },
      async getById(id) {
        const [row] = await db.select().from(calls).where(eq(calls.id, id));
        return row ? toCall(row) : null;
      },
      async list(userId, options) {
        return listCalls(userId, options);
      },
      async statuses(userId, ids) {
        if (ids.length === 0) return [];
        return statusesOf(userId, ids);
      },
      async update(userId, id, patch) {
        const [row] = await db
          .update(calls)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(calls.id, id), eq(calls.userId, userId)))
          .returning();
        return row ? toCall(row) : null;
      },
      async transition(id, from, to, fields = {}) {
        // Under READ COMMITTED a second concurrent UPDATE waits for the first and
        // re-checks the status predicate against the committed row, so one wins.
        const now = new Date();
        return changed(
          await db
            .update(calls)
            .set({ ...fields, status: to, statusChangedAt: now, updatedAt: now })
            .where(and(eq(calls.id, id), inArray(calls.status, [...from]))),
        );
      },
      async findStale(before, limit) {
        const rows = await db
          .select()
          .from(calls)
          .where(and(notInArray(calls.status, [...TERMINAL_STATUSES]), lt(calls.statusChangedAt, before)))
          .orderBy(asc(calls.statusChangedAt))
          .limit(limit);
        return rows.map(toCall);
      },
      async delete(userId, id) {
        return changed(await db.delete(calls).where(and(eq(calls.id, id), eq(calls.userId, userId))));
      },
      async expired(now, defaultDays, limit) {
        const days = sql`coalesce(${users.retentionDays}, ${defaultDays}::integer)`;
        return db
          .select({ id: calls.id, userId: calls.userId })
          .from(calls)
          .innerJoin(users, eq(users.id, calls.userId))
          .where(
            and(
              sql`${days} is not null`,
              sql`${calls.createdAt} < ${now.toISOString()}::timestamptz - make_interval(days => ${days})`,
            ),
          )
          .orderBy(asc(calls.createdAt))
          .limit(limit);
      },
      async existingIds(ids) {
        if (ids.length === 0) return new Set();
        const rows = await db.select({ id: calls.id }).from(calls).where(inArray(calls.id, ids));
        return new Set(rows.map((r) => r.id));
      },
    },

    artifacts: {
      async upsert(artifact) {
        const values = { ...artifact, createdAt: new Date() };
        await db
          .insert(callArtifacts)
          .values(values)
          .onConflictDoUpdate({ target: [callArtifacts.callId, callArtifacts.type], set: values });
      },
      async get(callId, type) {
        const [row] = await db
          .select()
          .from(callArtifacts)
          .where(and(eq(callArtifacts.callId, callId), eq(callArtifacts.type, type)));
        return row ? toArtifact(row) : null;
      },
      async list(callId) {
        return (await db.select().from(callArtifacts).where(eq(callArtifacts.callId, callId))).map(toArtifact);
      },
      async remove(callId, type) {
        await db.delete(callArtifacts).where(and(eq(callArtifacts.callId, callId), eq(callArtifacts.type, type)));
      },
      async olderThan(type, before, limit) {
        const rows = await db
          .select()
          .from(callArtifacts)
          .where(and(eq(callArtifacts.type, type), lt(callArtifacts.createdAt, before)))
          .limit(limit);
        return rows.map(toArtifact);
      },
    },

    events: {
      async add(event) {
        await db.insert(processingEvents).values({ ...event, id: randomUUID(), createdAt: new Date() });
      },
      async list(callId) {
        return db
          .select()
          .from(processingEvents)
          .where(eq(processingEvents.callId, callId))
          .orderBy(asc(processingEvents.createdAt));
      },
    },

    actionItems: {
      async replaceAiItems(callId, items) {
        const now = new Date();
        await db.transaction(async (tx) => {
          // Two workers replaying one call would otherwise both delete the old set
          // and both insert theirs; the call's row lock makes them take turns.
          await tx.select({ id: calls.id }).from(calls).where(eq(calls.id, callId)).for("update");
          await tx.delete(actionItems).where(and(eq(actionItems.callId, callId), eq(actionItems.source, "AI")));
          if (items.length === 0) return;
          // Distinct timestamps keep "oldest first" equal to the analysis order.
          await tx.insert(actionItems).values(
            items.map((item, i) => {
              const at = new Date(now.getTime() + i);
              return { ...item, createdAt: at, updatedAt: at };
            }),
          );
        });
      },
      async insert(item) {
        const now = new Date();
        const [row] = await db
          .insert(actionItems)
          .values({ ...item, createdAt: now, updatedAt: now })
          .returning();
        return toActionItem(row!);
      },
      async get(userId, id) {
        const [row] = await db
          .select()
          .from(actionItems)
          .where(and(eq(actionItems.id, id), eq(actionItems.userId, userId)));
        return row ? toActionItem(row) : null;
      },
      async listForCall(userId, callId) {
        const rows = await db
          .select()
          .from(actionItems)
          .where(and(eq(actionItems.callId, callId), eq(actionItems.userId, userId)))
          .orderBy(asc(actionItems.createdAt), asc(actionItems.id));
        return rows.map(toActionItem);
      },
      async listForUser(userId, { limit, after, status }) {
        const rows = await db
          .select()
          .from(actionItems)
          .where(
            and(
              eq(actionItems.userId, userId),
              status ? eq(actionItems.status, status) : undefined,
              afterPosition(after, actionItems.createdAt, actionItems.id),
            ),
          )
          .orderBy(desc(actionItems.createdAt), desc(actionItems.id))
          .limit(limit);
        return rows.map(toActionItem);
      },
      async update(userId, id, patch) {
        const [row] = await db
          .update(actionItems)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(actionItems.id, id), eq(actionItems.userId, userId)))
          .returning();
        return row ? toActionItem(row) : null;
      },
      async delete(userId, id) {
        return changed(await db.delete(actionItems).where(and(eq(actionItems.id, id), eq(actionItems.userId, userId))));
      },
    },

    webhooks: {
      async insert(endpoint) {
        const now = new Date();
        const [row] = await db
          .insert(webhookEndpoints)
          .values({ ...endpoint, enabled: true, createdAt: now, updatedAt: now })
          .returning();
        return row!;
      },
      async get(userId, id) {
        const [row] = await db
          .select()
          .from(webhookEndpoints)
          .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId)));
        return row ?? null;
      },
      async getById(id) {
        const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
        return row ?? null;
      },
      async list(userId, { limit, after }) {
        return db
          .select()
          .from(webhookEndpoints)
          .where(
            and(
              eq(webhookEndpoints.userId, userId),
              afterPosition(after, webhookEndpoints.createdAt, webhookEndpoints.id),
            ),
          )
          .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id))
          .limit(limit);
      },
      async subscribed(userId, eventType) {
        return db
          .select()
          .from(webhookEndpoints)
          .where(
            and(
              eq(webhookEndpoints.userId, userId),
              eq(webhookEndpoints.enabled, true),
              sql`${webhookEndpoints.events} @> ${JSON.stringify([eventType])}::jsonb`,
            ),
          );
      },
      async update(userId, id, patch) {
        const [row] = await db
          .update(webhookEndpoints)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId)))
          .returning();
        return row ?? null;
      },
      async recordOutcome(id, { succeeded, at, disableIfFailingSince, disableReason }) {
        if (succeeded) {
          await db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, id));
          return { disabled: false };
        }
        // One statement, so concurrent attempts to one endpoint cannot lose the start of the failing run.
        const since = sql`coalesce(${webhookEndpoints.failingSince}, ${at.toISOString()}::timestamptz)`;
        const limit = sql`${disableIfFailingSince.toISOString()}::timestamptz`;
        const [row] = await db
          .update(webhookEndpoints)
          .set({
            failingSince: since as never,
            enabled: sql`case when ${since} <= ${limit} then false else ${webhookEndpoints.enabled} end` as never,
            disabledReason:
              sql`case when ${since} <= ${limit} and ${webhookEndpoints.enabled} then ${disableReason} else ${webhookEndpoints.disabledReason} end` as never,
            updatedAt: at,
          })
          .where(eq(webhookEndpoints.id, id))
          .returning({ enabled: webhookEndpoints.enabled });
        return { disabled: row ? !row.enabled : false };
      },
      async delete(userId, id) {
        return changed(
          await db
            .delete(webhookEndpoints)
            .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId))),
        );
      },
    },

    webhookDeliveries: {
      async insert(delivery) {
        const now = new Date();
        const [row] = await db
          .insert(webhookDeliveries)
          .values({
            ...delivery,
            status: "PENDING",
            attempts: 0,
            attemptLog: [],
            nextAttemptAt: now,
            windowStartedAt: now,
            createdAt: now,
            updatedAt: now,
          })
          .returning();
        return toDelivery(row!);
      },
      async get(userId, endpointId, id) {
        const [row] = await db
          .select()
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.id, id),
              eq(webhookDeliveries.endpointId, endpointId),
              eq(webhookDeliveries.userId, userId),
            ),
          );
        return row ? toDelivery(row) : null;
      },
      async getById(id) {
        const [row] = await db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
        return row ? toDelivery(row) : null;
      },
      async list(userId, endpointId, { limit, after }) {
        const rows = await db
          .select()
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.endpointId, endpointId),
              eq(webhookDeliveries.userId, userId),
              afterPosition(after, webhookDeliveries.createdAt, webhookDeliveries.id),
            ),
          )
          .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
          .limit(limit);
        return rows.map(toDelivery);
      },
      async recordAttempt(id, attempt, next) {
        const entry = JSON.stringify([{ ...attempt, at: attempt.at.getTime() }]);
        return changed(
          await db
            .update(webhookDeliveries)
            .set({
              ...next,
              attempts: attempt.attempt,
              attemptLog: sql`${webhookDeliveries.attemptLog} || ${entry}::jsonb` as never,
              updatedAt: new Date(),
            })
            .where(
              and(
                eq(webhookDeliveries.id, id),
                eq(webhookDeliveries.status, "PENDING"),
                eq(webhookDeliveries.attempts, attempt.attempt - 1),
              ),
            ),
        );
      },
      async reopen(userId, endpointId, id, at) {
        const [row] = await db
          .update(webhookDeliveries)
          .set({ status: "PENDING", failureReason: null, nextAttemptAt: at, windowStartedAt: at, updatedAt: at })
          .where(
            and(
              eq(webhookDeliveries.id, id),
              eq(webhookDeliveries.endpointId, endpointId),
              eq(webhookDeliveries.userId, userId),
              ne(webhookDeliveries.status, "PENDING"),
            ),
          )
          .returning();
        return row ? toDelivery(row) : null;
      },
    },

    idempotency: {
      async claim(userId, key, requestHash) {
        const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
        for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
          const now = new Date();
          // One statement: a fresh key is inserted, an expired one is taken over,
          // a live one is left alone. Concurrent claimers of one key queue on the
          // unique index and exactly one of them gets a row back.
          const claimed = await db
            .insert(idempotencyKeys)
            .values({ userId, key, requestHash, state: "PENDING", createdAt: now })
            .onConflictDoUpdate({
              target: [idempotencyKeys.userId, idempotencyKeys.key],
              set: { requestHash, state: "PENDING", responseStatus: null, responseBody: null, createdAt: now },
              // Expired, or an abandoned claim (its process died before answering).
              setWhere: or(
                lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
                and(
                  eq(idempotencyKeys.state, "PENDING"),
                  lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_ABANDONED_MS)),
                ),
              ),
            })
            .returning({ key: idempotencyKeys.key });
          if (claimed.length > 0) return { claimed: true as const };
          const [record] = await db.select().from(idempotencyKeys).where(where);
          // Released between our insert and our read: the key is free again, try once more.
          if (record) return { claimed: false as const, record };
        }
        throw new Error("idempotency claim kept racing with releases");
      },
      async complete(userId, key, responseStatus, responseBody) {
        await db
          .update(idempotencyKeys)
          .set({ state: "DONE", responseStatus, responseBody })
          .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
      },
      async release(userId, key) {
        await db
          .delete(idempotencyKeys)
          .where(
            and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, "PENDING")),
          );
      },
      async get(userId, key) {
        const [row] = await db
          .select()
          .from(idempotencyKeys)
          .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)));
        return row ?? null;
      },
      async purgeBefore(before) {
        return (await db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before))).rowCount ?? 0;
      },
    },

    async close() {
      if (!pool.ended) await pool.end();
    },
  };
}
