import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Shared } from "./dialect";
import type { Store } from "./store";

export function createUsers({ db, t, dialect }: Shared): Store["users"] {
  const { users } = t;
  const setFields = async (
    id: string,
    fields: Partial<Pick<typeof users.$inferInsert, "displayName" | "retentionDays">>,
  ) => {
    const [row] = await db
      .update(users)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(users.id, id))
      .returning();
    return row ?? null;
  };
  return {
    async findOrCreate(input) {
      const now = new Date();
      // Every authenticated request lands here: read first, write only for a new user.
      const existing = await dialect.userByAuthUid(input.authUid);
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
    updateDisplayName: (id, displayName) => setFields(id, { displayName }),
    setRetentionDays: (id, retentionDays) => setFields(id, { retentionDays }),
    delete: (id) => dialect.deleteUserWithKeys(id),
  };
}
