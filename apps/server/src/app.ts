import cors from "@fastify/cors";
import rateLimit from "@fastify/rate-limit";
import { buildOpenApiDocument, errors } from "@scryon/api";
import type { ScryonConfig } from "@scryon/config";
import type { Runtime } from "@scryon/runtime";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import { createRequestAuthenticator } from "./auth";
import { loggerOptions } from "./logging";
import { apiPlugin } from "./plugins/api";
import { docsPlugin } from "./plugins/docs";
import { errorsPlugin } from "./plugins/errors";
import { exportsPlugin } from "./plugins/exports";
import { jsonBodyPlugin } from "./plugins/json-body";
import { securityHeadersPlugin } from "./plugins/security-headers";
import { uploadPlugin } from "./plugins/upload";
import { webPlugin } from "./plugins/web";

const MAX_JSON_BODY_BYTES = 1024 * 1024;
const MAX_PATH_PARAM_LENGTH = 200;

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
export async function buildServer(config: ScryonConfig, runtime: Runtime): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config),
    bodyLimit: MAX_JSON_BODY_BYTES,
    // Request ids in every log line; honour a caller's id when it is sane.
    requestIdHeader: "x-request-id",
    genReqId: () => crypto.randomUUID(),
    // Which proxies may name the client's address (SCRYON_TRUST_PROXY): rate limits
    // and the auth-failure limiter count per client, not per load balancer.
    trustProxy: trustProxyOption(config.server.trustProxy),
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    // A URL the router cannot read (bad percent-encoding, a path segment past the
    // limit) is bad input like any other: answer in the documented error shape,
    // never with Fastify's own body that echoes the URL.
    frameworkErrors: (error, _request, reply) => {
      const message =
        error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? `A path segment is longer than ${MAX_PATH_PARAM_LENGTH} characters`
          : "The URL could not be decoded";
      void (reply as FastifyReply).code(400).send({ error: errors.validation(message).toBody() });
    },
  });

  await app.register(errorsPlugin);
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
