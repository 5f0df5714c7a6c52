import { and, eq, lt, or } from "drizzle-orm";
import type { Shared } from "./dialect";
import type { Store } from "./store";

/** Idempotency records answer retries for this long (docs/contract.md § Idempotency). */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
/**
 * A claim still PENDING after this long belongs to a request whose process died
 * between claiming and answering; it stops binding the key so retries can run.
 */
export const IDEMPOTENCY_ABANDONED_MS = 5 * 60_000;
/** A claim that loses a race to a release retries this often before giving up. */
const CLAIM_ATTEMPTS = 5;

export function createIdempotency({ db, t, dialect }: Shared): Store["idempotency"] {
  const { idempotencyKeys: keys } = t;
  const byKey = (userId: string, key: string) => and(eq(keys.userId, userId), eq(keys.key, key));
  return {
    async claim(userId, key, requestHash) {
      for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        const now = new Date();
        // One statement (an upsert, in both dialects): a fresh key is inserted, an expired one is
        // taken over, a live one is left alone. Concurrent claimers of one key queue on the unique
        // index and exactly one of them gets a row back.
        const claimed = await db
          .insert(keys)
          .values({ userId, key, requestHash, state: "PENDING", createdAt: now })
          .onConflictDoUpdate({
            target: [keys.userId, keys.key],
            set: { requestHash, state: "PENDING", responseStatus: null, responseBody: null, createdAt: now },
            // Expired, or an abandoned claim (its process died before answering).
            setWhere: or(
              lt(keys.createdAt, new Date(now.getTime() - IDEMPOTENCY_TTL_MS)),
              and(eq(keys.state, "PENDING"), lt(keys.createdAt, new Date(now.getTime() - IDEMPOTENCY_ABANDONED_MS))),
            ),
          })
          .returning({ key: keys.key });
        if (claimed.length > 0) return { claimed: true as const };
        const [record] = await db.select().from(keys).where(byKey(userId, key));
        // Released between our insert and our read: the key is free again, try once more.
        if (record) return { claimed: false as const, record };
      }
      throw new Error("idempotency claim kept racing with releases");
    },
    async complete(userId, key, responseStatus, responseBody) {
      await db.update(keys).set({ state: "DONE", responseStatus, responseBody }).where(byKey(userId, key));
    },
    async release(userId, key) {
      await db.delete(keys).where(and(byKey(userId, key), eq(keys.state, "PENDING")));
    },
    async get(userId, key) {
      const [row] = await db.select().from(keys).where(byKey(userId, key));
      return row ?? null;
    },
    async purgeBefore(before) {
      return dialect.rowCount(await db.delete(keys).where(lt(keys.createdAt, before)));
    },
  };
}
