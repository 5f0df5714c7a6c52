import type { Row } from "./dialect";
import type { ActionItem, Artifact, ArtifactType, CallRecord, WebhookDelivery } from "./model";

/** Row → record, shared by both stores (their rows have the same types, see dialect.ts). */
export const toCall = (row: Row<"calls">): CallRecord => row;

export const toArtifact = (row: Row<"callArtifacts">): Artifact => ({ ...row, type: row.type as ArtifactType });

export const toActionItem = (row: Row<"actionItems">): ActionItem => ({
  ...row,
  intentMetadata: row.intentMetadata ?? null,
});

/** The attempt log is JSON in either dialect, so its times come back as epoch milliseconds. */
export const toWebhookDelivery = (row: Row<"webhookDeliveries">): WebhookDelivery => ({
  ...row,
  attemptLog: row.attemptLog.map((attempt) => ({ ...attempt, at: new Date(attempt.at) })),
});
