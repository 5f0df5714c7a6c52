import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { and, asc, desc, eq, inArray, lt, ne, notInArray, or, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
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
import type { Store } from "../store";
import { sqliteCallList, sqliteCallStatuses } from "./call-list";
import * as schema from "./schema";

const MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../migrations/sqlite");
/** Idempotency records answer retries for this long (docs/contract.md § Idempotency). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A claim still PENDING after this long belongs to a request whose process died
 * between claiming and answering; it stops binding the key so retries can run.
 */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60_000;

export interface SqliteStoreOptions {
  /** A file path, or ":memory:". */
  file: string;
}

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous,
 * so each method runs to completion without interleaving — transactions here are
 * real and cheap.
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
  // The call list in one statement (call-list.ts).
  const listCalls = sqliteCallList(sqlite);

  const statusesOf = sqliteCallStatuses(sqlite);
  const findUserByAuthUid = db
    .select()
    .from(users)
    .where(eq(users.authUid, sql.placeholder("authUid")))
    .prepare();
  const toArtifact = (row: typeof callArtifacts.$inferSelect): Artifact => ({ ...row, type: row.type as ArtifactType });
  const toActionItem = (row: typeof actionItems.$inferSelect): ActionItem => ({
    ...row,
    intentMetadata: row.intentMetadata ?? null,
  });

  const store: Store & { readonly sqlite: Database.Database } = {
    dialect: "sqlite",
    sqlite,

    users: {
      async findOrCreate(input) {
        const now = new Date();
        // Every authenticated request lands here: read first, write only for a new user.
        const existing = findUserByAuthUid.get({ authUid: input.authUid });
        if (existing && (input.email === null || input.email === existing.email)) return existing;
        db.insert(users)
          .values({
            id: randomUUID(),
            authUid: input.authUid,
            email: input.email,
            displayName: input.displayName,
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoNothing({ target: users.authUid })
          .run();
        const user = db.select().from(users).where(eq(users.authUid, input.authUid)).get()!;
        // Keep the e-mail current; a display name the user chose wins over the token's.
        if (input.email !== null && input.email !== user.email) {
          db.update(users).set({ email: input.email, updatedAt: now }).where(eq(users.id, user.id)).run();
          user.email = input.email;
        }
        return user;
      },
      async get(id) {
        return db.select().from(users).where(eq(users.id, id)).get() ?? null;
      },
      async updateDisplayName(id, displayName) {
        return (
          db.update(users).set({ displayName, updatedAt: new Date() }).where(eq(users.id, id)).returning().get() ?? null
        );
      },
      async setRetentionDays(id, retentionDays) {
        return (
          db.update(users).set({ retentionDays, updatedAt: new Date() }).where(eq(users.id, id)).returning().get() ??
          null
        );
      },
      async delete(id) {
        return db.transaction((tx) => {
          tx.delete(idempotencyKeys).where(eq(idempotencyKeys.userId, id)).run();
          return tx.delete(users).where(eq(users.id, id)).run().changes > 0;
        });
      },
    },

    calls: {
      async insert(call) {
        const now = new Date();
        return toCall(
          db
            .insert(calls)
            .values({ ...call, status: "QUEUED", statusChangedAt: now, createdAt: now, updatedAt: now })
            .returning()
            .get(),
        );
      },
      async get(userId, id) {
        const row = db
          .select()
          .from(calls)
          .where(and(eq(calls.id, id), eq(calls.userId, userId)))
          .get();
        return row ? toCall(row) : null;
      },
      async getById(id) {
        const row = db.select().from(calls).where(eq(calls.id, id)).get();
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
        const row = db
          .update(calls)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(calls.id, id), eq(calls.userId, userId)))
          .returning()
          .get();
        return row ? toCall(row) : null;
      },
      async transition(id, from, to, fields = {}) {
        const now = new Date();
        const result = db
          .update(calls)
          .set({ ...fields, status: to, statusChangedAt: now, updatedAt: now })
          .where(and(eq(calls.id, id), inArray(calls.status, [...from])))
          .run();
        return result.changes > 0;
      },
      async findStale(before, limit) {
        return db
          .select()
          .from(calls)
          .where(and(notInArray(calls.status, [...TERMINAL_STATUSES]), lt(calls.statusChangedAt, before)))
          .orderBy(asc(calls.statusChangedAt))
          .limit(limit)
          .all()
          .map(toCall);
      },
      async delete(userId, id) {
        return (
          db
            .delete(calls)
            .where(and(eq(calls.id, id), eq(calls.userId, userId)))
            .run().changes > 0
        );
      },
      async expired(now, defaultDays, limit) {
        const days = sql`coalesce(${users.retentionDays}, ${defaultDays})`;
        return db
          .select({ id: calls.id, userId: calls.userId })
          .from(calls)
          .innerJoin(users, eq(users.id, calls.userId))
          .where(and(sql`${days} is not null`, sql`${calls.createdAt} < ${now.getTime()} - ${days} * 86400000`))
          .orderBy(asc(calls.createdAt))
          .limit(limit)
          .all();
      },
      async existingIds(ids) {
        if (ids.length === 0) return new Set();
        const rows = db.select({ id: calls.id }).from(calls).where(inArray(calls.id, ids)).all();
        return new Set(rows.map((r) => r.id));
      },
    },

    artifacts: {
      async upsert(artifact) {
        const values = { ...artifact, createdAt: new Date() };
        db.insert(callArtifacts)
          .values(values)
          .onConflictDoUpdate({ target: [callArtifacts.callId, callArtifacts.type], set: values })
          .run();
      },
      async get(callId, type) {
        const row = db
          .select()
          .from(callArtifacts)
          .where(and(eq(callArtifacts.callId, callId), eq(callArtifacts.type, type)))
          .get();
        return row ? toArtifact(row) : null;
      },
      async list(callId) {
        return db.select().from(callArtifacts).where(eq(callArtifacts.callId, callId)).all().map(toArtifact);
      },
      async remove(callId, type) {
        db.delete(callArtifacts)
          .where(and(eq(callArtifacts.callId, callId), eq(callArtifacts.type, type)))
          .run();
      },
      async olderThan(type, before, limit) {
        return db
          .select()
          .from(callArtifacts)
          .where(and(eq(callArtifacts.type, type), lt(callArtifacts.createdAt, before)))
          .limit(limit)
          .all()
          .map(toArtifact);
      },
    },

    events: {
      async add(event) {
        db.insert(processingEvents)
          .values({ ...event, id: randomUUID(), createdAt: new Date() })
          .run();
      },
      async list(callId) {
        return db
          .select()
          .from(processingEvents)
          .where(eq(processingEvents.callId, callId))
          .orderBy(asc(processingEvents.createdAt))
          .all();
      },
    },

    actionItems: {
      async replaceAiItems(callId, items) {
        const now = new Date();
        db.transaction((tx) => {
          tx.delete(actionItems)
            .where(and(eq(actionItems.callId, callId), eq(actionItems.source, "AI")))
            .run();
          // Distinct timestamps keep "oldest first" equal to the analysis order.
          items.forEach((item, i) => {
            const at = new Date(now.getTime() + i);
            tx.insert(actionItems)
              .values({ ...item, createdAt: at, updatedAt: at })
              .run();
          });
        });
      },
      async insert(item) {
        const now = new Date();
        return toActionItem(
          db
            .insert(actionItems)
            .values({ ...item, createdAt: now, updatedAt: now })
            .returning()
            .get(),
        );
      },
      async get(userId, id) {
        const row = db
          .select()
          .from(actionItems)
          .where(and(eq(actionItems.id, id), eq(actionItems.userId, userId)))
          .get();
        return row ? toActionItem(row) : null;
      },
      async listForCall(userId, callId) {
        return db
          .select()
          .from(actionItems)
          .where(and(eq(actionItems.callId, callId), eq(actionItems.userId, userId)))
          .orderBy(asc(actionItems.createdAt), asc(actionItems.id))
          .all()
          .map(toActionItem);
      },
      async listForUser(userId, { limit, after, status }) {
        return db
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
          .limit(limit)
          .all()
          .map(toActionItem);
      },
      async update(userId, id, patch) {
        const row = db
          .update(actionItems)
          .set({ ...patch, updatedAt: new Date() })
          .where(and(eq(actionItems.id, id), eq(actionItems.userId, userId)))
          .returning()
          .get();
        return row ? toActionItem(row) : null;
      },
      async delete(userId, id) {
        return (
          db
            .delete(actionItems)
            .where(and(eq(actionItems.id, id), eq(actionItems.userId, userId)))
            .run().changes > 0
        );
      },
    },

    webhooks: {
      async insert(endpoint) {
        const now = new Date();
        return db
          .insert(webhookEndpoints)
          .values({ ...endpoint, enabled: true, createdAt: now, updatedAt: now })
          .returning()
          .get();
      },
      async get(userId, id) {
        return (
          db
            .select()
            .from(webhookEndpoints)
            .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId)))
            .get() ?? null
        );
      },
      async getById(id) {
        return db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get() ?? null;
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
          .limit(limit)
          .all();
      },
      async subscribed(userId, eventType) {
        return db
          .select()
          .from(webhookEndpoints)
          .where(
            and(
              eq(webhookEndpoints.userId, userId),
              eq(webhookEndpoints.enabled, true),
              sql`exists (select 1 from json_each(${webhookEndpoints.events}) where value = ${eventType})`,
            ),
          )
          .all();
      },
      async update(userId, id, patch) {
        return (
          db
            .update(webhookEndpoints)
            .set({ ...patch, updatedAt: new Date() })
            .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId)))
            .returning()
            .get() ?? null
        );
      },
      async recordOutcome(id, { succeeded, at, disableIfFailingSince, disableReason }) {
        if (succeeded) {
          db.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, id)).run();
          return { disabled: false };
        }
        const since = sql`coalesce(${webhookEndpoints.failingSince}, ${at.getTime()})`;
        const row = db
          .update(webhookEndpoints)
          .set({
            failingSince: since as never,
            enabled:
              sql`case when ${since} <= ${disableIfFailingSince.getTime()} then 0 else ${webhookEndpoints.enabled} end` as never,
            disabledReason:
              sql`case when ${since} <= ${disableIfFailingSince.getTime()} and ${webhookEndpoints.enabled} then ${disableReason} else ${webhookEndpoints.disabledReason} end` as never,
            updatedAt: at,
          })
          .where(eq(webhookEndpoints.id, id))
          .returning({ enabled: webhookEndpoints.enabled })
          .get();
        return { disabled: row ? !row.enabled : false };
      },
      async delete(userId, id) {
        return (
          db
            .delete(webhookEndpoints)
            .where(and(eq(webhookEndpoints.id, id), eq(webhookEndpoints.userId, userId)))
            .run().changes > 0
        );
      },
    },

    webhookDeliveries: {
      async insert(delivery) {
        const now = new Date();
        return toDelivery(
          db
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
            .returning()
            .get(),
        );
      },
      async get(userId, endpointId, id) {
        const row = db
          .select()
          .from(webhookDeliveries)
          .where(
            and(
              eq(webhookDeliveries.id, id),
              eq(webhookDeliveries.endpointId, endpointId),
              eq(webhookDeliveries.userId, userId),
            ),
          )
          .get();
        return row ? toDelivery(row) : null;
      },
      async getById(id) {
        const row = db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).get();
        return row ? toDelivery(row) : null;
      },
      async list(userId, endpointId, { limit, after }) {
        return db
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
          .limit(limit)
          .all()
          .map(toDelivery);
      },
      async recordAttempt(id, attempt, next) {
        const entry = JSON.stringify({ ...attempt, at: attempt.at.getTime() });
        const result = db
          .update(webhookDeliveries)
          .set({
            ...next,
            attempts: attempt.attempt,
            attemptLog: sql`json_insert(${webhookDeliveries.attemptLog}, '$[#]', json(${entry}))` as never,
            updatedAt: new Date(),
          })
          .where(
            and(
              eq(webhookDeliveries.id, id),
              eq(webhookDeliveries.status, "PENDING"),
              eq(webhookDeliveries.attempts, attempt.attempt - 1),
            ),
          )
          .run();
        return result.changes > 0;
      },
      async reopen(userId, endpointId, id, at) {
        const row = db
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
          .returning()
          .get();
        return row ? toDelivery(row) : null;
      },
    },

    idempotency: {
      async claim(userId, key, requestHash) {
        const now = new Date();
        return db.transaction((tx) => {
          const where = and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
          // An expired record, or an abandoned claim, no longer binds the key.
          tx.delete(idempotencyKeys)
            .where(
              and(
                where,
                or(
                  lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
                  and(
                    eq(idempotencyKeys.state, "PENDING"),
                    lt(idempotencyKeys.createdAt, new Date(now.getTime() - IDEMPOTENCY_ABANDONED_MS)),
                  ),
                ),
              ),
            )
            .run();
          const inserted = tx
            .insert(idempotencyKeys)
            .values({ userId, key, requestHash, state: "PENDING", createdAt: now })
            .onConflictDoNothing()
            .run();
          if (inserted.changes > 0) return { claimed: true as const };
          return { claimed: false as const, record: tx.select().from(idempotencyKeys).where(where).get()! };
        });
      },
      async complete(userId, key, responseStatus, responseBody) {
        db.update(idempotencyKeys)
          .set({ state: "DONE", responseStatus, responseBody })
          .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
          .run();
      },
      async release(userId, key) {
        db.delete(idempotencyKeys)
          .where(
            and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key), eq(idempotencyKeys.state, "PENDING")),
          )
          .run();
      },
      async get(userId, key) {
        return (
          db
            .select()
            .from(idempotencyKeys)
            .where(and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key)))
            .get() ?? null
        );
      },
      async purgeBefore(before) {
        return db.delete(idempotencyKeys).where(lt(idempotencyKeys.createdAt, before)).run().changes;
      },
    },

    async close() {
      if (sqlite.open) sqlite.close();
    },
  };
  return store;
}
