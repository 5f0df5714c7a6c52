import type { WebhookAttempt } from "./model";
import type { StoredAttempt } from "./sqlite/schema";

/**
 * Row → record for webhook deliveries, shared by both stores: the attempt log is
 * JSON in either dialect, so its times come back as ISO strings.
 */
export function toWebhookDelivery<Row extends { attemptLog: StoredAttempt[] }>(
  row: Row,
): Omit<Row, "attemptLog"> & { attemptLog: WebhookAttempt[] } {
  return { ...row, attemptLog: row.attemptLog.map((attempt) => ({ ...attempt, at: new Date(attempt.at) })) };
}
