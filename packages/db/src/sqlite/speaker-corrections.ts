import { and, asc, eq } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import type { Store } from "../store";
import * as schema from "./schema";

const { actionItems, speakerCorrections } = schema;

/** The speaker corrections of the embedded store (docs/contract.md § Speaker corrections). */
export function sqliteSpeakerCorrections(db: BetterSQLite3Database<typeof schema>): Store["speakerCorrections"] {
  return {
    async list(callId) {
      return db
        .select()
        .from(speakerCorrections)
        .where(eq(speakerCorrections.callId, callId))
        .orderBy(asc(speakerCorrections.speakerId))
        .all();
    },
    async upsert(callId, corrections) {
      const now = new Date();
      db.transaction((tx) => {
        for (const { speakerId, displayName, role } of corrections) {
          tx.insert(speakerCorrections)
            .values({ callId, speakerId, displayName, role, createdAt: now, updatedAt: now })
            .onConflictDoUpdate({
              target: [speakerCorrections.callId, speakerCorrections.speakerId],
              set: { displayName, role, updatedAt: now },
            })
            .run();
        }
      });
    },
    async setAiItemOwners(callId, owners) {
      const now = new Date();
      db.transaction((tx) => {
        for (const { id, ...owner } of owners) {
          tx.update(actionItems)
            .set({ ...owner, updatedAt: now })
            .where(and(eq(actionItems.id, id), eq(actionItems.callId, callId), eq(actionItems.source, "AI")))
            .run();
        }
      });
    },
  };
}
