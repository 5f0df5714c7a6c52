import { EventEmitter } from "node:events";
import type { CallEvents, CallStatusChange } from "@scryon/api";

/**
 * In-process fan-out of call status changes, keyed by user. The pipeline
 * publishes; live subscriptions listen. Reaches subscribers in the process that
 * ran the pipeline: with SCRYON_ROLE split across processes, REST polling of
 * /api/calls/status remains the cross-process way to watch.
 */
export function createCallEventBus(): CallEvents & { publish(userId: string, change: CallStatusChange): void } {
  const emitter = new EventEmitter();
  // One listener per open dashboard tab; no fixed cap makes sense here.
  emitter.setMaxListeners(0);
  return {
    publish(userId, change) {
      emitter.emit(userId, change);
    },
    subscribe(userId, listener) {
      emitter.on(userId, listener);
      return () => emitter.off(userId, listener);
    },
  };
}
