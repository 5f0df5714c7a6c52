import http from "node:http";
import https from "node:https";
import { guardedLookup } from "./address";

export interface PostOptions {
  url: URL;
  headers: Record<string, string>;
  body: string;
  /** The whole exchange, connect to last byte read (10 s by default). */
  timeoutMs: number;
  /** At most this much of the response body is read (64 KB by default); the rest is dropped. */
  maxResponseBytes: number;
  /** Strict (production): every address the host resolves to is checked at connect time. */
  strict: boolean;
}

export type PostResult =
  | { kind: "response"; statusCode: number; retryAfterMs: number | null; durationMs: number }
  | { kind: "error"; error: "timeout" | "network_error" | "refused_address"; durationMs: number };

/**
 * One signed POST, with node's own http client: it never follows redirects (a
 * 3xx is just an answer), the body read stops at `maxResponseBytes`, and the
 * timer covers the whole exchange. No connection is pooled, so every attempt
 * resolves (and, in strict mode, checks) the host again.
 */
export function postWebhook(options: PostOptions): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = options.url.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = client.request(
      options.url,
      {
        method: "POST",
        agent: false,
        headers: {
          ...options.headers,
          "content-type": "application/json",
          "content-length": String(Buffer.byteLength(options.body)),
          "user-agent": "Scryon-Webhooks/1",
        },
        ...(options.strict && { lookup: guardedLookup }),
      },
      (response) => {
        const statusCode = response.statusCode ?? 0;
        const retryAfterMs = parseRetryAfter(response.headers["retry-after"]);
        let read = 0;
        const done = () => finish({ kind: "response", statusCode, retryAfterMs, durationMs: elapsed() });
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          // The receiver's answer is not kept; reading is capped so a huge body cannot hold a worker.
          if (read >= options.maxResponseBytes) done();
        });
        response.on("end", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(
      () => finish({ kind: "error", error: "timeout", durationMs: elapsed() }),
      options.timeoutMs,
    );
    request.on("error", (error: NodeJS.ErrnoException) => {
      const refused = error.code === "ERR_WEBHOOK_REFUSED_ADDRESS";
      finish({ kind: "error", error: refused ? "refused_address" : "network_error", durationMs: elapsed() });
    });
    request.end(options.body);
  });
}

/** `Retry-After` as delay-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (!raw) return null;
  if (/^\s*\d+\s*$/.test(raw)) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
