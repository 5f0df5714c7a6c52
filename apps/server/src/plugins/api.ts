import {
  type ApiDeps,
  type AppRouter,
  createCaller,
  type Principal,
  type RequestContext,
  toApiError,
} from "@scryon/api";
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { bulkDeleteBody } from "./bulk-delete";
import { EXPORT_OPERATIONS } from "./exports";
import { registerRestRoutes } from "./rest";

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

/**
 * The one router served three ways: tRPC under /trpc, REST under /api (routes
 * generated from the procedures' OpenAPI meta, see rest.ts), and its OpenAPI document.
 */
export async function apiPlugin(app: FastifyInstance, options: ApiPluginOptions) {
  const { deps, router, authenticate } = options;
  const createContext = ({ req }: { req: FastifyRequest }): RequestContext => ({
    deps,
    authenticate: () => authenticate(req),
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

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: {
      router,
      createContext,
      onError,
      responseMeta,
    } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });

  await app.register(
    async (rest) => {
      rest.delete("/calls", async (request, reply) => {
        const caller = createCaller(createContext({ req: request }));
        return reply.send(await caller.calls.deleteMany(bulkDeleteBody(request.body)));
      });
      registerRestRoutes(rest, {
        router,
        createContext: (req) => createContext({ req }),
        servedElsewhere: EXPORT_OPERATIONS,
      });
    },
    { prefix: "/api" },
  );

  app.get("/api/openapi.json", async () => options.document);
}
