import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import { type ApiError, buildOpenApiDocument, errors, trpcErrorEnvelope } from "@scryon/api";
import type { ScryonConfig } from "@scryon/config";
import type { Runtime } from "@scryon/runtime";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { DestinationStream } from "pino";
import { createRequestAuthenticator } from "./auth";
import { loggerOptions, RequestLog, requestIdFor } from "./logging";
import { apiPlugin } from "./plugins/api";
import { docsPlugin } from "./plugins/docs";
import { errorsPlugin } from "./plugins/errors";
import { exportsPlugin } from "./plugins/exports";
import { jsonBodyPlugin } from "./plugins/json-body";
import { securityHeadersPlugin } from "./plugins/security-headers";
import { PLAIN_QUERY_CONSTRAINT, plainQueryConstraint, TRPC_PREFIX } from "./plugins/trpc-queries";
import { uploadPlugin } from "./plugins/upload";
import { webPlugin } from "./plugins/web";
import { parseQueryString } from "./query-string";

const MAX_JSON_BODY_BYTES = 1024 * 1024;
const MAX_PATH_PARAM_LENGTH = 200;
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/**
 * Node's HTTP parser refused the bytes before Fastify saw a request: write the
 * answer ourselves, in the documented error shape, and close the connection
 * (docs/contract.md § Errors). The URL is unknown here, so /trpc gets the REST shape too.
 */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || error.code === "EPIPE" || !socket.writable) {
    socket.destroy();
    return;
  }
  let status = 400;
  let apiError: ApiError = errors.validation("Malformed HTTP request");
  if (error.code === "HPE_HEADER_OVERFLOW") [status, apiError] = [431, errors.headersTooLarge()];
  else if (error.code === "ERR_HTTP_REQUEST_TIMEOUT") [status, apiError] = [408, errors.requestTimeout()];
  const body = JSON.stringify({ error: apiError.toBody() });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Fastify (5.x) deliberately ignores a bare hop count, so a count becomes a trust
 * function: the first `hops` addresses from the socket inwards are our proxies
 * (proxy-addr numbers hops from 0 = the socket peer). Only safe when every request
 * really passes through those proxies — the README says so; prefer a CIDR list.
 */
function trustProxyOption(
  setting: false | number | string[],
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== "number") return setting;
  return (_address, hop) => hop < setting;
}

/**
 * Builds the HTTP host around a runtime. Thin by design: every behaviour lives
 * in the router and the domain packages; this wires transports, auth and
 * protection.
 */
export async function buildServer(
  config: ScryonConfig,
  runtime: Runtime,
  options: { logDestination?: DestinationStream } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, options.logDestination),
    logController: new RequestLog(),
    bodyLimit: MAX_JSON_BODY_BYTES,
    // Request ids in every log line; a caller's X-Request-Id only when short and
    // safe (logging.ts), else our own — never a spoofed 8 KB string in every line.
    requestIdHeader: false,
    genReqId: (request) => requestIdFor(request.headers["x-request-id"]),
    // Which proxies may name the client's address (SCRYON_TRUST_PROXY): rate limits
    // and the auth-failure limiter count per client, not per load balancer.
    trustProxy: trustProxyOption(config.server.trustProxy),
    routerOptions: {
      querystringParser: parseQueryString,
      maxParamLength: MAX_PATH_PARAM_LENGTH,
      constraints: { [PLAIN_QUERY_CONSTRAINT]: plainQueryConstraint(runtime.router, TRPC_PREFIX) },
    },
    // A URL the router cannot read (bad percent-encoding, a path segment past the
    // limit) is bad input like any other: answer in the documented error shape,
    // never with Fastify's own body that echoes the URL.
    frameworkErrors: (error, request, reply) => {
      const message =
        error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`
          : "The URL could not be decoded";
      const apiError = errors.validation(message);
      void (reply as FastifyReply)
        .code(400)
        .send(request.url.startsWith("/trpc") ? trpcErrorEnvelope(apiError) : { error: apiError.toBody() });
    },
    // Malformed HTTP that never becomes a request (bare CR, Content-Length with
    // Transfer-Encoding, oversized headers) is answered in the documented shape too.
    clientErrorHandler,
  });

  await app.register(errorsPlugin);
  // No input of ours takes a NUL character (and PostgreSQL text cannot store
  // one): refused in any URL, for REST and tRPC alike (docs/contract.md § Errors).
  // A callback hook, not an async one: these checks never wait, and a promise per request costs a microtask
  // turn. Fastify hands what it throws to the error handler as it would a rejection.
  app.addHook("onRequest", (request, _reply, done) => {
    if (/%00/i.test(request.url)) throw errors.validation("Strings must not contain NUL characters");
    // An Idempotency-Key is stored with the response for a day: keep it bounded
    // (docs/contract.md § Idempotency), on every route, upload included.
    const key = request.headers["idempotency-key"];
    if (key !== undefined && (Array.isArray(key) || key.length > MAX_IDEMPOTENCY_KEY_LENGTH))
      throw errors.validation(
        `Idempotency-Key must be one header of at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
        {
          fields: [{ path: "Idempotency-Key", message: `at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` }],
        },
      );
    done();
  });
  await app.register(jsonBodyPlugin);
  await app.register(securityHeadersPlugin, {
    // The docs page loads its own scripts and styles from this origin only.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
      },
    },
  });
  if (config.server.corsAllowedOrigins.length > 0) {
    await app.register(cors, {
      origin: config.server.corsAllowedOrigins,
      allowedHeaders: ["authorization", "content-type", "idempotency-key", "x-scryon-api-key", "x-request-id"],
      methods: ["GET", "POST", "PATCH", "PUT", "DELETE"],
    });
  }
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: 429,
      error: {
        code: "rate_limited",
        message: "Too many requests; slow down",
        details: { retryAfterSeconds: Math.ceil(context.ttl / 1000) },
      },
    }),
  });

  const authenticate = createRequestAuthenticator({ apiKey: config.auth.apiKey, authenticator: runtime.authenticator });

  await app.register(uploadPlugin, {
    deps: runtime.apiDeps,
    authenticate,
    rateLimit: { max: config.server.uploadRateLimitPerMinute, timeWindow: 60_000 },
  });
  const document = buildOpenApiDocument(runtime.router, { version: runtime.apiDeps.settings.version, baseUrl: "/api" });
  await app.register(apiPlugin, {
    deps: runtime.apiDeps,
    router: runtime.router,
    authenticate,
    document,
  });
  await app.register(exportsPlugin, { deps: runtime.apiDeps, authenticate, document });
  await app.register(docsPlugin, { document });
  await app.register(webPlugin);
  return app;
}
