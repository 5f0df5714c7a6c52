import type { ArtifactTypeName } from "./artifact-types";

/**
 * The artifact key layout (docs/contract.md § Storage layout). Keys hold only UUIDs and fixed words — never names,
 * numbers or anything a user typed — so a leaked listing reveals nothing.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertUuid(value: string, what: string): void {
  if (!UUID.test(value)) throw new Error(`${what} must be a UUID`);
}

export function callPrefix(userId: string, callId: string): string {
  assertUuid(userId, "userId");
  assertUuid(callId, "callId");
  return `users/${userId}/calls/${callId}/`;
}

const FIXED_PATHS: Record<Exclude<ArtifactTypeName, "TEMP_AUDIO">, string> = {
  DIARIZATION_JSON: "diarization/diarization.json",
  RAW_TRANSCRIPT_JSON: "transcripts/raw.json",
  NORMALIZED_TRANSCRIPT_JSON: "transcripts/normalized.json",
  ANALYSIS_JSON: "analysis/analysis.json",
};

export function artifactKey(userId: string, callId: string, type: Exclude<ArtifactTypeName, "TEMP_AUDIO">): string {
  return callPrefix(userId, callId) + FIXED_PATHS[type];
}

/** `safeName` is chosen by the server (e.g. `upload.m4a`), never the client's file name. */
export function tempAudioKey(userId: string, callId: string, extension: string): string {
  if (!/^[a-z0-9]{1,8}$/.test(extension)) throw new Error("extension must be short and alphanumeric");
  return `${callPrefix(userId, callId)}temp/audio-upload.${extension}`;
}

/** The call id inside a key of this layout, or null. */
export function callIdOfKey(key: string): string | null {
  const match = /^users\/[0-9a-f-]{36}\/calls\/([0-9a-f-]{36})\//i.exec(key);
  return match?.[1] ?? null;
}
