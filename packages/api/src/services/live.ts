import type { User } from "@scryon/db";
import type { ApiDeps, CallStatusChange } from "../context";

/**
 * The user's call status changes as an async stream, ended by `signal`. Changes
 * that arrive while the consumer is busy are buffered, never dropped.
 */
export async function* statusChanges(
  deps: ApiDeps,
  user: User,
  signal: AbortSignal | undefined,
): AsyncGenerator<CallStatusChange> {
  const pending: CallStatusChange[] = [];
  let wake: (() => void) | undefined;
  const unsubscribe = deps.events.subscribe(user.id, (change) => {
    pending.push(change);
    wake?.();
  });
  const aborted = new Promise<void>((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
  try {
    while (!signal?.aborted) {
      const next = pending.shift();
      if (next) {
        yield next;
        continue;
      }
      await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
      wake = undefined;
    }
  } finally {
    unsubscribe();
  }
}
