import { type AppRouter, type RequestContext, toApiError } from "@scryon/api";
import { callTRPCProcedure, getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Where tRPC is served. */
export const TRPC_PREFIX = "/trpc/";

/** Routes a request to the fast path: a plain GET of a query procedure (no batch, no event stream). */
export const PLAIN_QUERY_CONSTRAINT = "trpcPlainQuery";

/**
 * The constraint strategy, built from the router's query procedures. Anything
 * else under /trpc (batches, mutations, subscriptions, unknown paths) derives
 * "no" and is left to tRPC's own adapter.
 */
export function plainQueryConstraint(router: AppRouter, prefix: string) {
  const queries = new Set(
    Object.entries(router._def.procedures as unknown as Record<string, { _def: { type: string } }>)
      .filter(([, procedure]) => procedure._def.type === "query")
      .map(([path]) => path),
  );
  return {
    name: PLAIN_QUERY_CONSTRAINT,
    storage() {
      const handlers = new Map<string, unknown>();
      return {
        get: (value: string) => (handlers.get(value) ?? null) as never,
        set: (value: string, handler: unknown) => void handlers.set(value, handler),
      };
    },
    deriveConstraint(request: { method?: string; url?: string; headers: Record<string, unknown> }) {
      if (request.method !== "GET" || !request.url?.startsWith(prefix)) return "no";
      const url = request.url;
      const end = url.indexOf("?");
      const path = url.slice(prefix.length, end === -1 ? undefined : end);
      if (!queries.has(path) || (end !== -1 && url.includes("batch=", end))) return "no";
      return String(request.headers.accept ?? "").includes("text/event-stream") ? "no" : "yes";
    },
    mustMatchWhenDerived: false,
    validate() {},
  };
}

/**
 * tRPC's GET query, answered the way tRPC's adapter answers it (`{"result":{"data":…}}`,
 * errors through the router's error formatter with their HTTP status) but without
 * building a Web Request, an AbortSignal and a response stream per call (registered in
 * the /trpc scope of api.ts, so its JSON guards and error envelope apply): the status
 * poll a phone sends every few seconds costs what its REST twin costs.
 */
export function registerPlainQueryRoute(
  app: FastifyInstance,
  options: {
    router: AppRouter;
    createContext: (request: FastifyRequest) => RequestContext;
    onError: (opts: { error: TRPCError; req: FastifyRequest }) => void;
  },
) {
  const { router } = options;
  app.route({
    method: "GET",
    url: "/:path",
    constraints: { [PLAIN_QUERY_CONSTRAINT]: "yes" },
    handler: async (request: FastifyRequest<{ Params: { path: string }; Querystring: { input?: string } }>, reply) => {
      const path = request.params.path;
      let input: unknown;
      const ctx = options.createContext(request);
      try {
        const raw = request.query.input;
        try {
          input = raw === undefined ? undefined : JSON.parse(raw);
        } catch (cause) {
          throw new TRPCError({ code: "PARSE_ERROR", message: "input is not valid JSON", cause });
        }
        const data = await callTRPCProcedure({
          router,
          path,
          type: "query",
          ctx,
          getRawInput: async () => input,
          signal: undefined,
          batchIndex: 0,
        });
        return reply.code(200).type("application/json").send({ result: { data } });
      } catch (cause) {
        return sendError(reply, request, getTRPCErrorFromUnknown(cause), { path, input, ctx });
      }
    },
  });

  function sendError(
    reply: FastifyReply,
    request: FastifyRequest,
    error: TRPCError,
    call: { path: string; input: unknown; ctx: RequestContext },
  ) {
    options.onError({ error, req: request });
    const shape = getTRPCErrorShape({
      config: router._def._config,
      error,
      type: "query",
      path: call.path,
      input: call.input,
      ctx: call.ctx,
    });
    // The router's formatter carries the documented status (docs/contract.md § Errors), as tRPC's adapter reads it.
    const status = (shape as { data?: { httpStatus?: number } }).data?.httpStatus ?? getHTTPStatusCodeFromError(error);
    // 429 and 503 auth_unavailable carry Retry-After here too, as through the adapter.
    const retryAfter = toApiError(error).details?.retryAfterSeconds;
    if (typeof retryAfter === "number") void reply.header("retry-after", String(retryAfter));
    return reply.code(status).type("application/json").send({ error: shape });
  }
}
