import { and, eq, lt } from "drizzle-orm";
import type { Shared } from "./dialect";
import { toArtifact } from "./mappers";
import type { ArtifactType } from "./model";
import type { Store } from "./store";

export function createArtifacts({ db, t }: Shared): Store["artifacts"] {
  const { callArtifacts } = t;
  const one = (callId: string, type: ArtifactType) =>
    and(eq(callArtifacts.callId, callId), eq(callArtifacts.type, type));
  return {
    async upsert(artifact) {
      const values = { ...artifact, createdAt: new Date() };
      await db
        .insert(callArtifacts)
        .values(values)
        .onConflictDoUpdate({ target: [callArtifacts.callId, callArtifacts.type], set: values });
    },
    async get(callId, type) {
      const [row] = await db.select().from(callArtifacts).where(one(callId, type));
      return row ? toArtifact(row) : null;
    },
    async list(callId) {
      return (await db.select().from(callArtifacts).where(eq(callArtifacts.callId, callId))).map(toArtifact);
    },
    async remove(callId, type) {
      await db.delete(callArtifacts).where(one(callId, type));
    },
    async olderThan(type, before, limit) {
      const rows = await db
        .select()
        .from(callArtifacts)
        .where(and(eq(callArtifacts.type, type), lt(callArtifacts.createdAt, before)))
        .limit(limit);
      return rows.map(toArtifact);
    },
  };
}
