import { and, desc, eq, ne, sql } from "drizzle-orm";
import type { Shared } from "./dialect";
import { afterPosition } from "./keyset";
import { toWebhookDelivery } from "./mappers";
import type { Store } from "./store";

export function createWebhookEndpoints({ db, t, dialect }: Shared): Store["webhooks"] {
  const { webhookEndpoints: endpoints } = t;
  const owned = (userId: string, id: string) => and(eq(endpoints.id, id), eq(endpoints.userId, userId));
  return {
    async insert(endpoint) {
      const now = new Date();
      const [row] = await db
        .insert(endpoints)
        .values({ ...endpoint, enabled: true, createdAt: now, updatedAt: now })
        .returning();
      return row!;
    },
    async get(userId, id) {
      const [row] = await db.select().from(endpoints).where(owned(userId, id));
      return row ?? null;
    },
    async getById(id) {
      const [row] = await db.select().from(endpoints).where(eq(endpoints.id, id));
      return row ?? null;
    },
    async list(userId, { limit, after }) {
      return db
        .select()
        .from(endpoints)
        .where(and(eq(endpoints.userId, userId), afterPosition(after, endpoints.createdAt, endpoints.id)))
        .orderBy(desc(endpoints.createdAt), desc(endpoints.id))
        .limit(limit);
    },
    async subscribed(userId, eventType) {
      return db
        .select()
        .from(endpoints)
        .where(
          and(
            eq(endpoints.userId, userId),
            eq(endpoints.enabled, true),
            dialect.jsonArrayContains(endpoints.events, eventType),
          ),
        );
    },
    async update(userId, id, patch) {
      const [row] = await db
        .update(endpoints)
        .set({ ...patch, updatedAt: new Date() })
        .where(owned(userId, id))
        .returning();
      return row ?? null;
    },
    async recordOutcome(id, { succeeded, at, disableIfFailingSince, disableReason }) {
      if (succeeded) {
        await db.update(endpoints).set({ failingSince: null }).where(eq(endpoints.id, id));
        return { disabled: false };
      }
      // One statement, so concurrent attempts to one endpoint cannot lose the start of the failing run.
      // The instants are bound through the column, so each driver gets its own timestamp encoding.
      const since = sql`coalesce(${endpoints.failingSince}, ${sql.param(at, endpoints.failingSince)})`;
      const limit = sql.param(disableIfFailingSince, endpoints.failingSince);
      const [row] = await db
        .update(endpoints)
        .set({
          failingSince: since,
          enabled: sql`case when ${since} <= ${limit} then false else ${endpoints.enabled} end`,
          disabledReason: sql`case when ${since} <= ${limit} and ${endpoints.enabled} then ${disableReason} else ${endpoints.disabledReason} end`,
          updatedAt: at,
        })
        .where(eq(endpoints.id, id))
        .returning({ enabled: endpoints.enabled });
      return { disabled: row ? !row.enabled : false };
    },
    async delete(userId, id) {
      return dialect.rowCount(await db.delete(endpoints).where(owned(userId, id))) > 0;
    },
  };
}

export function createWebhookDeliveries({ db, t, dialect }: Shared): Store["webhookDeliveries"] {
  const { webhookDeliveries: deliveries } = t;
  const owned = (userId: string, endpointId: string, id: string) =>
    and(eq(deliveries.id, id), eq(deliveries.endpointId, endpointId), eq(deliveries.userId, userId));
  return {
    async insert(delivery) {
      const now = new Date();
      const [row] = await db
        .insert(deliveries)
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
      return toWebhookDelivery(row!);
    },
    async get(userId, endpointId, id) {
      const [row] = await db
        .select()
        .from(deliveries)
        .where(owned(userId, endpointId, id));
      return row ? toWebhookDelivery(row) : null;
    },
    async getById(id) {
      const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
      return row ? toWebhookDelivery(row) : null;
    },
    async list(userId, endpointId, { limit, after }) {
      const rows = await db
        .select()
        .from(deliveries)
        .where(
          and(
            eq(deliveries.endpointId, endpointId),
            eq(deliveries.userId, userId),
            afterPosition(after, deliveries.createdAt, deliveries.id),
          ),
        )
        .orderBy(desc(deliveries.createdAt), desc(deliveries.id))
        .limit(limit);
      return rows.map(toWebhookDelivery);
    },
    async recordAttempt(id, attempt, next) {
      const result = await db
        .update(deliveries)
        .set({
          ...next,
          attempts: attempt.attempt,
          attemptLog: dialect.jsonArrayAppend(deliveries.attemptLog, { ...attempt, at: attempt.at.getTime() }),
          updatedAt: new Date(),
        })
        .where(
          and(eq(deliveries.id, id), eq(deliveries.status, "PENDING"), eq(deliveries.attempts, attempt.attempt - 1)),
        );
      return dialect.rowCount(result) > 0;
    },
    async reopen(userId, endpointId, id, at) {
      const [row] = await db
        .update(deliveries)
        .set({ status: "PENDING", failureReason: null, nextAttemptAt: at, windowStartedAt: at, updatedAt: at })
        .where(and(owned(userId, endpointId, id), ne(deliveries.status, "PENDING")))
        .returning();
      return row ? toWebhookDelivery(row) : null;
    },
  };
}
