import { and, asc, eq, inArray, lt, notInArray, sql } from "drizzle-orm";
import type { Shared } from "./dialect";
import { toCall } from "./mappers";
import { TERMINAL_STATUSES } from "./model";
import type { Store } from "./store";

export function createCalls({ db, t, dialect }: Shared): Store["calls"] {
  const { calls, users } = t;
  const owned = (userId: string, id: string) => and(eq(calls.id, id), eq(calls.userId, userId));
  return {
    async insert(call) {
      const now = new Date();
      const [row] = await db
        .insert(calls)
        .values({ ...call, status: "QUEUED", statusChangedAt: now, createdAt: now, updatedAt: now })
        .returning();
      return toCall(row!);
    },
    async get(userId, id) {
      const [row] = await db.select().from(calls).where(owned(userId, id));
      return row ? toCall(row) : null;
    },
    async getById(id) {
      const [row] = await db.select().from(calls).where(eq(calls.id, id));
      return row ? toCall(row) : null;
    },
    // The hot reads: prepared statements in each store.
    list: dialect.listCalls,
    statuses: dialect.callStatuses,
    async update(userId, id, patch) {
      const [row] = await db
        .update(calls)
        .set({ ...patch, updatedAt: new Date() })
        .where(owned(userId, id))
        .returning();
      return row ? toCall(row) : null;
    },
    async transition(id, from, to, fields = {}) {
      // One statement: under PostgreSQL's READ COMMITTED a second concurrent UPDATE waits for the
      // first and re-checks the status predicate against the committed row, so one wins.
      const now = new Date();
      const result = await db
        .update(calls)
        .set({ ...fields, status: to, statusChangedAt: now, updatedAt: now })
        .where(and(eq(calls.id, id), inArray(calls.status, [...from])));
      return dialect.rowCount(result) > 0;
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
      return dialect.rowCount(await db.delete(calls).where(owned(userId, id))) > 0;
    },
    async expired(now, defaultDays, limit) {
      const days = sql`coalesce(${users.retentionDays}, cast(${defaultDays} as integer))`;
      return db
        .select({ id: calls.id, userId: calls.userId })
        .from(calls)
        .innerJoin(users, eq(users.id, calls.userId))
        .where(and(sql`${days} is not null`, lt(calls.createdAt, dialect.daysBefore(now, days))))
        .orderBy(asc(calls.createdAt))
        .limit(limit);
    },
    async existingIds(ids) {
      if (ids.length === 0) return new Set();
      const rows = await db.select({ id: calls.id }).from(calls).where(inArray(calls.id, ids));
      return new Set(rows.map((r) => r.id));
    },
  };
}
