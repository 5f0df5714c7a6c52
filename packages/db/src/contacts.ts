import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { contactSummaryColumns, OPEN_ITEM_STATUSES } from "./contact-summary";
import type { Shared } from "./dialect";
import { afterPosition } from "./keyset";
import type { ContactStore } from "./store";

/** The contacts part of both stores (docs/contract.md § Contacts). */
export function createContacts({ db, t, dialect }: Shared): ContactStore {
  const { actionItems, calls, contacts, serverSecrets } = t;
  const summary = { ...getTableColumns(contacts), ...contactSummaryColumns };

  return {
    async attach(attachment) {
      const now = new Date();
      const { at, ...values } = attachment;
      return db
        .insert(contacts)
        .values({ id: randomUUID(), ...values, lastCallAt: at, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [contacts.userId, contacts.groupKey],
          set: {
            lastCallAt: dialect.later(contacts.lastCallAt, sql`excluded.last_call_at`),
            displayName: sql`coalesce(${contacts.displayName}, excluded.display_name)`,
            phoneLast4: sql`coalesce(${contacts.phoneLast4}, excluded.phone_last4)`,
            updatedAt: now,
          },
        })
        .returning({ id: contacts.id })
        .then(([row]) => row!.id);
    },
    async get(userId, id) {
      const [row] = await db
        .select(summary)
        .from(contacts)
        .where(and(eq(contacts.id, id), eq(contacts.userId, userId)));
      return row ?? null;
    },
    async list(userId, { limit, after }) {
      return db
        .select(summary)
        .from(contacts)
        .where(and(eq(contacts.userId, userId), afterPosition(after, contacts.lastCallAt, contacts.id)))
        .orderBy(desc(contacts.lastCallAt), desc(contacts.id))
        .limit(limit);
    },
    async rename(userId, id, displayName) {
      const [row] = await db
        .update(contacts)
        .set({ displayName, updatedAt: new Date() })
        .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
        .returning();
      return row ?? null;
    },
    async calls(userId, id, limit) {
      return db
        .select()
        .from(calls)
        .where(and(eq(calls.contactRef, id), eq(calls.userId, userId)))
        .orderBy(desc(calls.createdAt), desc(calls.id))
        .limit(limit);
    },
    async openItems(userId, id, limit) {
      return db
        .select(getTableColumns(actionItems))
        .from(actionItems)
        .innerJoin(calls, eq(calls.id, actionItems.callId))
        .where(
          and(
            eq(calls.contactRef, id),
            eq(actionItems.userId, userId),
            inArray(actionItems.status, [...OPEN_ITEM_STATUSES]),
          ),
        )
        .orderBy(desc(actionItems.createdAt), desc(actionItems.id))
        .limit(limit)
        .then((rows) => rows.map((row) => ({ ...row, intentMetadata: row.intentMetadata ?? null })));
    },
    async ungroupedCalls(limit, after) {
      return db
        .select()
        .from(calls)
        .where(
          and(
            isNull(calls.contactRef),
            or(isNotNull(calls.contactId), isNotNull(calls.phoneNumber), isNotNull(calls.contactName)),
            after
              ? or(
                  gt(calls.createdAt, after.createdAt),
                  and(eq(calls.createdAt, after.createdAt), gt(calls.id, after.id)),
                )
              : undefined,
          ),
        )
        .orderBy(asc(calls.createdAt), asc(calls.id))
        .limit(limit);
    },
    async link(callId, contactId) {
      await db.update(calls).set({ contactRef: contactId }).where(eq(calls.id, callId));
    },
    async sharedSecret(name, candidate) {
      await db.insert(serverSecrets).values({ name, value: candidate, createdAt: new Date() }).onConflictDoNothing();
      const [row] = await db.select().from(serverSecrets).where(eq(serverSecrets.name, name));
      return row!.value;
    },
  };
}
