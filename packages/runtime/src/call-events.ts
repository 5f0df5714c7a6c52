import { EventEmitter } from "node:events";
import type { CallEvents, CallStatusChange } from "@scryon/api";
import pg from "pg";

export interface CallEventBus extends CallEvents {
  publish(userId: string, change: CallStatusChange): void;
  close(): Promise<void>;
}

/** Fans out to this process's subscribers, keyed by user. */
function localFanOut() {
  const emitter = new EventEmitter();
  // One listener per open dashboard tab; no fixed cap makes sense here.
  emitter.setMaxListeners(0);
  return {
    emit: (userId: string, change: CallStatusChange) => emitter.emit(userId, change),
    subscribe(userId: string, listener: (change: CallStatusChange) => void) {
      emitter.on(userId, listener);
      return () => emitter.off(userId, listener);
    },
  };
}

/**
 * Embedded mode: the pipeline and the subscriptions share one process, so an
 * in-process fan-out is the whole bus.
 */
export function createCallEventBus(): CallEventBus {
  const local = localFanOut();
  return { publish: local.emit, subscribe: local.subscribe, close: async () => {} };
}

const CHANNEL = "scryon_call_status";

/**
 * Scale-out mode: workers and API replicas are separate processes, so changes
 * travel through PostgreSQL LISTEN/NOTIFY (ids and a status only — no PII in the
 * payload). Every process listens on one dedicated connection and fans out
 * locally; a lost connection reconnects, and clients that missed a change while
 * it was down still see the truth through the status endpoint.
 */
export function createPostgresCallEventBus(options: { url: string; onError?: (error: unknown) => void }): CallEventBus {
  const local = localFanOut();
  const publisher = new pg.Pool({ connectionString: options.url, max: 2 });
  publisher.on("error", (error) => options.onError?.(error));
  let listener: pg.Client | undefined;
  let closed = false;

  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: options.url });
    client.on("notification", (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const { userId, callId, status } = JSON.parse(message.payload) as { userId: string } & CallStatusChange;
        local.emit(userId, { callId, status });
      } catch (error) {
        options.onError?.(error);
      }
    });
    client.on("error", (error) => {
      options.onError?.(error);
      client.end().catch(() => undefined);
      if (!closed) setTimeout(() => void listen().catch(options.onError), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
  };
  const ready = listen().catch((error: unknown) => options.onError?.(error));

  return {
    publish(userId, change) {
      publisher
        .query("SELECT pg_notify($1, $2)", [CHANNEL, JSON.stringify({ userId, ...change })])
        .catch((error: unknown) => options.onError?.(error));
    },
    subscribe: local.subscribe,
    async close() {
      closed = true;
      await ready;
      await listener?.end().catch(() => undefined);
      await publisher.end();
    },
  };
}
