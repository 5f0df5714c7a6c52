import type { Store } from "@scryon/db";

const TERMINAL = new Set(["COMPLETED", "FAILED"]);

/**
 * Waits for a call to reach a terminal status by reading the store directly
 * (no HTTP in the measurement) and returns the instant the status changed.
 */
export async function waitForTerminalCall(store: Store, callId: string, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const call = await store.calls.getById(callId);
    if (call && TERMINAL.has(call.status)) return call;
    if (Date.now() > deadline) throw new Error(`call ${callId} is still ${call?.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
