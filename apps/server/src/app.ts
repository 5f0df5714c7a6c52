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
import { PLAIN_QUERY_CONSTRAINT, plainQueryConstraint, TRPC_PREFIX } from "./plugins/trpc-queries";
import { uploadPlugin } from "./plugins/upload";
import { webPlugin } from "./plugins/web";

const MAX_JSON_BODY_BYTES = 1024 * 1024;
const MAX_PATH_PARAM_LENGTH = 200;

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
    trustProxy: false,
    routerOptions: {
      maxParamLength: MAX_PATH_PARAM_LENGTH,
      constraints: { [PLAIN_QUERY_CONSTRAINT]: plainQueryConstraint(runtime.router, TRPC_PREFIX) },
    },
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
