import type { User } from "@scryon/db";
import type { ApiDeps } from "../context";
import { purgeCall } from "./calls";

const BATCH = 100;

/**
 * Account deletion (docs/contract.md § Retention and account deletion): every call
 * exactly as DELETE removes it (objects, then rows), then whatever is left under
 * the user's storage prefix, then the idempotency records and the user row.
 * Every step only removes, so a retry after a crash halfway finishes the job.
 */
export async function deleteAccount(deps: ApiDeps, user: User): Promise<void> {
  for (;;) {
    const calls = await deps.store.calls.list(user.id, { limit: BATCH });
    for (const call of calls) await purgeCall(deps, user.id, call.id);
    if (calls.length < BATCH) break;
  }
  // Objects whose row is already gone (a crash between the two steps, an upload's temp file).
  await deps.storage.deletePrefix(`users/${user.id}/`);
  await deps.store.users.delete(user.id);
  deps.log.info({ userId: user.id }, "account deleted");
}
