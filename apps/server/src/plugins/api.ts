import {
  type ApiDeps,
  type AppRouter,
  createCaller,
  errors,
  type Principal,
  type RequestContext,
  toApiError,
  trpcErrorEnvelope,
} from "@scryon/api";
import { type FastifyTRPCPluginOptions, fastifyRequestHandler } from "@trpc/server/adapters/fastify";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bulkDeleteBody } from "./bulk-delete";
import { httpErrorToApiError, prepareErrorReply } from "./errors";
import { EXPORT_OPERATIONS } from "./exports";
import { jsonTextProblem } from "./json-body";
import { registerRestRoutes } from "./rest";
import { registerPlainQueryRoute } from "./trpc-queries";

export interface ApiPluginOptions {
  deps: ApiDeps;
  router: AppRouter;
  authenticate: (request: FastifyRequest) => Promise<Principal>;
  document: object;
}

const idempotencyKeyOf = (request: FastifyRequest): string | null => {
  const value = request.headers["idempotency-key"];
  const key = Array.isArray(value) ? value[0] : value;
  return key && key.length > 0 ? key : null;
};

/** The procedure path of a /trpc URL, for the error envelope (undefined when there is none). */
function trpcPathOf(url: string): string | undefined {
  const match = /^\/trpc\/([^/?]+)/.exec(url);
  return match?.[1];
}

/**
 * The one router served three ways: tRPC under /trpc, REST under /api (routes
 * generated from the procedures' OpenAPI meta, see rest.ts), and its OpenAPI document.
 */
export async function apiPlugin(app: FastifyInstance, options: ApiPluginOptions) {
  const { deps, router, authenticate } = options;
  const createContext = ({ req }: { req: FastifyRequest }): RequestContext => ({
    deps,
    // Bound, not an arrow named in the literal, which tsx (esbuild's keepNames) wraps in a defineProperty per request.
    authenticate: authenticate.bind(null, req),
    idempotencyKey: idempotencyKeyOf(req),
  });
  const onError = ({ error, req }: { error: Error; req: unknown }) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) (req as FastifyRequest).log.error({ err: error.cause ?? error }, "procedure failed");
  };

  // 429 and 503 auth_unavailable carry Retry-After over tRPC too (docs/contract.md § Errors).
  const responseMeta = ({ errors }: { errors: Error[] }) => {
    for (const error of errors) {
      const retryAfter = toApiError(error).details?.retryAfterSeconds;
      if (typeof retryAfter === "number") return { headers: { "retry-after": String(retryAfter) } };
    }
    return {};
  };

  const trpcOptions = {
    router,
    createContext,
    onError,
    responseMeta,
  } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"];

  // tRPC under /trpc in its own scope, so that everything answered here — even
  // before a procedure runs — is a tRPC envelope (docs/contract.md § Errors), and
  // the same JSON guards as REST (json-body.ts) see every body and `?input=`.
  await app.register(
    async (trpc) => {
      trpc.removeAllContentTypeParsers();
      trpc.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
        const problem = jsonTextProblem(body as string);
        if (problem) done(problem, undefined);
        else done(null, body); // tRPC parses the text itself
      });
      trpc.addHook("preHandler", (request, _reply, done) => {
        const input = (request.query as Record<string, unknown> | undefined)?.input;
        for (const text of Array.isArray(input) ? input : [input]) {
          const problem = typeof text === "string" ? jsonTextProblem(text) : null;
          if (problem) return done(problem);
        }
        done();
      });
      const notFound = (request: FastifyRequest, reply: FastifyReply) => {
        void reply.code(404).send(trpcErrorEnvelope(errors.notFound(), trpcPathOf(request.url)));
      };
      trpc.setNotFoundHandler(notFound);
      // Deeper paths would otherwise reach the dashboard's catch-all GET (web.ts) and its REST-shaped 404.
      trpc.all("/*", async (request, reply) => notFound(request, reply));
      trpc.setErrorHandler((error: Error, request, reply) => {
        const apiError = httpErrorToApiError(error);
        prepareErrorReply(apiError, error, request, reply);
        void reply.send(trpcErrorEnvelope(apiError, trpcPathOf(request.url)));
      });
      // Plain GET queries (the status poll) without the adapter's per-request machinery; the
      // rest (batches, mutations, subscriptions) is tRPC's adapter's. Same guards, same envelope.
      registerPlainQueryRoute(trpc, {
        router,
        createContext: (req) => createContext({ req }),
        onError,
        document: options.document,
      });
      trpc.all("/:path", async (request, reply) => {
        await fastifyRequestHandler({
          ...trpcOptions,
          req: request,
          res: reply,
          path: (request.params as { path: string }).path,
        });
      });
    },
    { prefix: "/trpc" },
  );

  await app.register(
    async (rest) => {
      rest.delete("/calls", async (request, reply) => {
        const caller = createCaller(createContext({ req: request }));
        return reply.send(await caller.calls.deleteMany(bulkDeleteBody(request.body)));
      });
      registerRestRoutes(rest, {
        router,
        createContext: (req) => createContext({ req }),
        document: options.document,
        servedElsewhere: EXPORT_OPERATIONS,
      });
    },
    { prefix: "/api" },
  );

  app.get("/api/openapi.json", async () => options.document);
}
