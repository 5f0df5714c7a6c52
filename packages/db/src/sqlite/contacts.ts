import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, getTableColumns, gt, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { contactSummaryColumns, OPEN_ITEM_STATUSES } from "../contact-summary";
import { afterPosition } from "../keyset";
import type { ContactStore } from "../store";
import * as schema from "./schema";

const { actionItems, calls, contacts, serverSecrets } = schema;

/** The contacts part of the embedded store (docs/contract.md § Contacts). */
export function sqliteContacts(db: BetterSQLite3Database<typeof schema>): ContactStore {
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
            lastCallAt: sql`max(${contacts.lastCallAt}, excluded.last_call_at)`,
            displayName: sql`coalesce(${contacts.displayName}, excluded.display_name)`,
            phoneLast4: sql`coalesce(${contacts.phoneLast4}, excluded.phone_last4)`,
            updatedAt: now,
          },
        })
        .returning({ id: contacts.id })
        .get().id;
    },
    async get(userId, id) {
      return (
        db
          .select(summary)
          .from(contacts)
          .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
          .get() ?? null
      );
    },
    async list(userId, { limit, after }) {
      return db
        .select(summary)
        .from(contacts)
        .where(and(eq(contacts.userId, userId), afterPosition(after, contacts.lastCallAt, contacts.id)))
        .orderBy(desc(contacts.lastCallAt), desc(contacts.id))
        .limit(limit)
        .all();
    },
    async rename(userId, id, displayName) {
      return (
        db
          .update(contacts)
          .set({ displayName, updatedAt: new Date() })
          .where(and(eq(contacts.id, id), eq(contacts.userId, userId)))
          .returning()
          .get() ?? null
      );
    },
    async calls(userId, id, limit) {
      return db
        .select()
        .from(calls)
        .where(and(eq(calls.contactRef, id), eq(calls.userId, userId)))
        .orderBy(desc(calls.createdAt), desc(calls.id))
        .limit(limit)
        .all();
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
        .all()
        .map((row) => ({ ...row, intentMetadata: row.intentMetadata ?? null }));
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
        .limit(limit)
        .all();
    },
    async link(callId, contactId) {
      db.update(calls)
        .set({
          contactRef: contactId,
        })
        .where(eq(calls.id, callId))
        .run();
    },
    async sharedSecret(name, candidate) {
      db.insert(serverSecrets).values({ name, value: candidate, createdAt: new Date() }).onConflictDoNothing().run();
      return db.select().from(serverSecrets).where(eq(serverSecrets.name, name)).get()!.value;
    },
  };
}
