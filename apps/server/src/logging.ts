import type { ScryonConfig } from "@scryon/config";
import { type FastifyReply, type FastifyRequest, type FastifyServerOptions, LogController } from "fastify";
import pino, { type DestinationStream } from "pino";
import { isMaskBoundary, maskPii } from "./pii-mask";

/** Query parameters that carry credentials: their values never reach a log line. */
const CREDENTIAL_PARAMS = new Set([
  "access_token",
  "id_token",
  "token",
  "api_key",
  "apikey",
  "key",
  "password",
  "secret",
  "auth",
  "authorization",
]);

/** Percent-decoding that never throws (a malformed escape stays as sent). */
function safeDecode(raw: string, plusIsSpace: boolean): string {
  const value = plusIsSpace && raw.includes("+") ? raw.replace(/\+/g, " ") : raw;
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value.replace(/%([0-9A-Fa-f]{2})/g, (sequence, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : sequence;
    });
  }
}

/**
 * How much of a URL a log line keeps: enough to tell requests apart, not the fifty ids of every status
 * poll (a 1.9 KB URL, masked and written on every poll, cost a quarter of the poll's time on SQLite).
 */
const LOGGED_URL_CHARS = 256;

/**
 * Where to cut `text` to at most `max` characters without splitting a value the maskers would mask: just
 * before a boundary (`,`, `&`, `=`, `"`, …; pii-mask.ts), so the part kept is masked as it would be in the
 * whole. -1 when the last half of the window has none (one long run of letters and digits).
 */
function cutAtMaskBoundary(text: string, max: number): number {
  for (let i = max; i > max / 2; i--) if (isMaskBoundary(text.charCodeAt(i))) return i;
  return -1;
}

/**
 * Where to shorten a URL to at most `max` characters before decoding it: not inside a run of percent escapes,
 * so every escape kept is whole (a character's UTF-8 bytes are one run). -1 when no such place is near `max`.
 */
function cutBetweenEscapes(url: string, max: number): number {
  for (let i = max; i > max / 2; i--) if (url[i] !== "%" && url[i - 1] !== "%" && url[i - 2] !== "%") return i;
  return -1;
}

/** The URL decoded for a log line: credential values redacted, escapes decoded, control characters escaped. */
function decodedForLog(url: string): string {
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  let logged = safeDecode(path, false);
  if (queryAt !== -1) {
    const pairs = url
      .slice(queryAt + 1)
      .split("&")
      .map((pair) => {
        const eq = pair.indexOf("=");
        const name = safeDecode(eq === -1 ? pair : pair.slice(0, eq), true);
        if (eq === -1) return name;
        return CREDENTIAL_PARAMS.has(name.toLowerCase())
          ? `${name}=[redacted]`
          : `${name}=${safeDecode(pair.slice(eq + 1), true)}`;
      });
    logged += `?${pairs.join("&")}`;
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escaping control characters is the point
  return logged.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/**
 * A request URL as it may be logged: credential query parameters replaced by
 * `[redacted]`, then everything percent-decoded *before* masking, so `%40` and
 * `%2B91%20…` are masked like `@` and `+91 …`; control characters are escaped so
 * a URL cannot forge log lines. Past LOGGED_URL_CHARS the rest is left out, and said to be.
 */
export function maskUrl(url: string): string {
  const omitted = `… (of ${url.length} characters)`;
  // A decoded character takes at most three characters of a URL (more only for non-ASCII text): decode no
  // more than can be kept. The decoded start then ends where the URL was cut, so it is cut at a boundary too.
  const rawCut = url.length > 3 * LOGGED_URL_CHARS ? cutBetweenEscapes(url, 3 * LOGGED_URL_CHARS) : -1;
  const fromStart = rawCut === -1 ? null : maskedStart(decodedForLog(url.slice(0, rawCut)), omitted);
  if (fromStart !== null) return fromStart;
  const logged = decodedForLog(url);
  if (logged.length <= LOGGED_URL_CHARS) return maskPii(logged);
  // No boundary: one long run of letters and digits, which can only be masked whole.
  return maskedStart(logged, omitted) ?? `${maskPii(logged).slice(0, LOGGED_URL_CHARS)}${omitted}`;
}

/** A decoded URL's start, cut at a mask boundary before its last character and masked; null if there is none. */
function maskedStart(decoded: string, omitted: string): string | null {
  const cut = cutAtMaskBoundary(decoded, Math.min(LOGGED_URL_CHARS, decoded.length - 1));
  return cut === -1 ? null : `${maskPii(decoded.slice(0, cut))}${omitted}`;
}

/** A client's X-Request-Id is kept only if it is short and made of safe characters. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request id for logs: the client's when short and safe, else a fresh UUID. */
export function requestIdFor(header: string | string[] | undefined): string {
  return typeof header === "string" && SAFE_REQUEST_ID.test(header) ? header : crypto.randomUUID();
}

/**
 * What a pino logger holds for writing a line, under the symbols pino exports for integrations
 * (`pino.symbols`): the level's opening (`{"level":30`), the clock, the bindings (pid, hostname, reqId),
 * the closing and the stream.
 */
interface PinoLineParts {
  [pino.symbols.lsCacheSym]: Record<number, string>;
  [pino.symbols.timeSym]: () => string;
  [pino.symbols.chindingsSym]: string;
  [pino.symbols.messageKeySym]: string;
  [pino.symbols.endSym]: string;
  [pino.symbols.streamSym]?: DestinationStream & { [pino.symbols.needsMetadataGsym]?: boolean };
  isLevelEnabled(level: string): boolean;
}

const INFO_LEVEL = 30;

/** A request's fields in a log line: the req serializer's answer, and the completed line's `req`. */
function loggedRequest(request: { method: string; url: string; id: string }) {
  return { method: request.method, url: maskUrl(request.url), id: request.id };
}

/**
 * The "request completed" line, built as pino builds it for `info({ req, res, responseTime }, msg)` with
 * loggerOptions() (pino's opening, clock and bindings, the req serializer's fields, Fastify's `res`
 * serializer) but in one template: pino's general path walked, serialised and masked the three fields
 * and the message afresh on every request, and allocated about 4 KB doing it (a fifth of a health
 * check's garbage). None of the fields is a top-level string, so the masking formatter has nothing to
 * do here; `req` is the serializer's own answer. A test holds it byte for byte to
 * pino's own line.
 */
function requestCompletedLine(log: PinoLineParts, request: FastifyRequest, reply: FastifyReply): string {
  return (
    `${log[pino.symbols.lsCacheSym][INFO_LEVEL]}${log[pino.symbols.timeSym]()}${log[pino.symbols.chindingsSym]}` +
    `,"req":${JSON.stringify(loggedRequest(request))},"res":{"statusCode":${reply.statusCode}},"responseTime":${reply.elapsedTime}` +
    `,"${log[pino.symbols.messageKeySym]}":"request completed"${log[pino.symbols.endSym]}`
  );
}

/**
 * One line per request, when it completes: method, masked URL, id, status and time. Fastify's default adds
 * an "incoming request" line before it, which doubled the logging work of every request for a line that
 * says less; that one is kept at debug level, for following a request that never completes.
 */
export class RequestLog extends LogController {
  override incomingRequest(request: FastifyRequest) {
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
      return;
    }
    const log = reply.log as unknown as PinoLineParts;
    const stream = log[pino.symbols.streamSym];
    // Not a pino logger (logging off), or a stream that routes on pino's per-line metadata (multistream).
    if (stream === undefined || stream[pino.symbols.needsMetadataGsym] === true)
      reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
    else if (log.isLevelEnabled("info")) stream.write(requestCompletedLine(log, request, reply));
  }
}

/** Log characters held before one write, and the longest a line waits. */
const LOG_BATCH_CHARS = 4096;
const LOG_FLUSH_INTERVAL_MS = 1000;

/**
 * Where the server's log lines go (stdout unless `dest` names a file): written in batches of about 4 KB, and at
 * least once a second, instead of one write(2) per line. At a line per request that write was an eighth of a
 * small request's CPU (bench/read-paths.ts). The lines are held here and handed to sonic-boom a batch at a
 * time, which writes each synchronously and whole (partial writes, EAGAIN on a non-blocking stdout): held in
 * sonic-boom itself (its minLength), every line re-measured the UTF-8 length of the whole batch so far.
 * What is still held when the process exits, a crash included, is written then; only a kill -9 loses it (at
 * most the last second).
 */
export function batchedLogDestination(dest: string | number = 1): DestinationStream {
  const destination = pino.destination({ dest, sync: true });
  let held = "";
  const flush = () => {
    if (held.length === 0) return;
    const batch = held;
    held = "";
    destination.write(batch);
  };
  setInterval(flush, LOG_FLUSH_INTERVAL_MS).unref();
  process.on("exit", flush);
  return {
    write(line: string) {
      held += line;
      if (held.length >= LOG_BATCH_CHARS) flush();
    },
  };
}

/**
 * Pino's options for the server. Lines go to `destination` (`npm start` passes batchedLogDestination(); the bench,
 * the same to /dev/null), else to pino's own synchronous stdout.
 */
export function loggerOptions(config: ScryonConfig, destination?: DestinationStream): FastifyServerOptions["logger"] {
  if (config.logLevel === "silent") return false;
  return {
    level: config.logLevel,
    ...(destination && { stream: destination }),
    serializers: {
      // Only these three fields of a request are ever logged: its headers (credentials, cookies) never are, so
      // there is nothing for pino's redact to find (it cost a clone per line).
      req: loggedRequest,
    },
    formatters: {
      log: (object: Record<string, unknown>) => {
        for (const [key, value] of Object.entries(object)) if (typeof value === "string") object[key] = maskPii(value);
        return object;
      },
    },
  };
}
