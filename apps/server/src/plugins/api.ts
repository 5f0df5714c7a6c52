import {
  type ApiDeps,
  type AppRouter,
  createCaller,
  errors,
  type Principal,
  type RequestContext,
  successStatuses,
  toApiError,
} from "@scryon/api";
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { fastifyTRPCOpenApiPlugin } from "trpc-to-openapi";
import { bulkDeleteBody } from "./bulk-delete";

export interface ApiPluginOptions {
  deps: ApiDeps;
  router: AppRouter;
  authenticate: (request: FastifyRequest) => Promise<Principal>;
  maxJsonBodyBytes: number;
  document: object;
}

const idempotencyKeyOf = (request: FastifyRequest): string | null => {
  const value = request.headers["idempotency-key"];
  const key = Array.isArray(value) ? value[0] : value;
  return key && key.length > 0 ? key : null;
};

/**
 * The one router served three ways: tRPC under /trpc, REST under /api (via
 * trpc-to-openapi, on the documented paths), and its OpenAPI document.
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

  await app.register(fastifyTRPCPlugin, {
    prefix: "/trpc",
    trpcOptions: { router, createContext, onError } satisfies FastifyTRPCPluginOptions<AppRouter>["trpcOptions"],
  });

  const statuses = successStatuses(router);
  await app.register(
    async (rest) => {
      // trpc-to-openapi refuses body-less POSTs without a JSON content type; a bare
      // POST (reanalyze) is legitimate, so treat "no body" as an empty JSON object.
      rest.addHook("preHandler", async (request) => {
        if (request.method !== "GET" && request.method !== "DELETE" && !request.headers["content-type"]) {
          request.headers["content-type"] = "application/json";
          (request as { body: unknown }).body = {};
        }
      });
      // trpc-to-openapi writes its own error body; reshape it to ours (docs/contract.md § Errors).
      rest.addHook("onSend", async (_request, reply, payload) => {
        if (reply.statusCode < 400 || typeof payload !== "string") return payload;
        try {
          const body = JSON.parse(payload) as { error?: unknown; data?: { error?: unknown } };
          if (body.data?.error) return JSON.stringify({ error: body.data.error });
          if (body.error) return payload;
        } catch {
          // not JSON: fall through
        }
        return JSON.stringify({ error: errors.internal().toBody() });
      });

      rest.delete("/calls", async (request, reply) => {
        const caller = createCaller(createContext({ req: request }));
        return reply.send(await caller.calls.deleteMany(bulkDeleteBody(request.body)));
      });

      await rest.register(fastifyTRPCOpenApiPlugin, {
        basePath: "/",
        router,
        createContext: ({ req }: { req: FastifyRequest }) => createContext({ req }),
        onError,
        maxBodySize: options.maxJsonBodyBytes,
        responseMeta: ({ paths, errors: procedureErrors }: { paths?: readonly string[]; errors: readonly Error[] }) => {
          if (procedureErrors.length > 0) {
            const apiError = toApiError(procedureErrors[0]);
            return { status: apiError.status };
          }
          const status = paths?.[0] ? statuses.get(paths[0]) : undefined;
          return status ? { status } : {};
        },
      } as never);
    },
    { prefix: "/api" },
  );

  app.get("/api/openapi.json", async () => options.document);
}
