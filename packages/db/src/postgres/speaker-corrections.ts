import { and, asc, eq } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import type { Store } from "../store";
import * as schema from "./schema";

const { actionItems, speakerCorrections } = schema;

/** The speaker corrections of the scale-out store (docs/contract.md § Speaker corrections). */
export function postgresSpeakerCorrections(db: NodePgDatabase<typeof schema>): Store["speakerCorrections"] {
  return {
    async list(callId) {
      return db
        .select()
        .from(speakerCorrections)
        .where(eq(speakerCorrections.callId, callId))
        .orderBy(asc(speakerCorrections.speakerId));
    },
    async upsert(callId, corrections) {
      const now = new Date();
      await db.transaction(async (tx) => {
        for (const { speakerId, displayName, role } of corrections) {
          await tx
            .insert(speakerCorrections)
            .values({ callId, speakerId, displayName, role, createdAt: now, updatedAt: now })
            .onConflictDoUpdate({
              target: [speakerCorrections.callId, speakerCorrections.speakerId],
              set: { displayName, role, updatedAt: now },
            });
        }
      });
    },
    async setAiItemOwners(callId, owners) {
      const now = new Date();
      await db.transaction(async (tx) => {
        for (const { id, ...owner } of owners) {
          await tx
            .update(actionItems)
            .set({ ...owner, updatedAt: now })
            .where(and(eq(actionItems.id, id), eq(actionItems.callId, callId), eq(actionItems.source, "AI")));
        }
      });
    },
  };
}
