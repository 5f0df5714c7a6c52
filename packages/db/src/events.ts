import { randomUUID } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import type { Shared } from "./dialect";
import type { Store } from "./store";

export function createEvents({ db, t }: Shared): Store["events"] {
  const { processingEvents } = t;
  return {
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
  };
}
