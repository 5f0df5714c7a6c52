import { and, asc, desc, eq } from "drizzle-orm";
import type { Shared } from "./dialect";
import { afterPosition } from "./keyset";
import { toActionItem } from "./mappers";
import type { Store } from "./store";

export function createActionItems({ db, t, dialect }: Shared): Store["actionItems"] {
  const { actionItems } = t;
  const owned = (userId: string, id: string) => and(eq(actionItems.id, id), eq(actionItems.userId, userId));
  return {
    async replaceAiItems(callId, items) {
      const now = new Date();
      // Distinct timestamps keep "oldest first" equal to the analysis order.
      const rows = items.map((item, i) => {
        const at = new Date(now.getTime() + i);
        return { ...item, createdAt: at, updatedAt: at };
      });
      await dialect.replaceAiItems(callId, rows);
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
      const [row] = await db.select().from(actionItems).where(owned(userId, id));
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
        .where(owned(userId, id))
        .returning();
      return row ? toActionItem(row) : null;
    },
    async delete(userId, id) {
      return dialect.rowCount(await db.delete(actionItems).where(owned(userId, id))) > 0;
    },
  };
}
