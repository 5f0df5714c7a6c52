import { type AppRouter, type RequestContext, toApiError } from "@scryon/api";
import { getTRPCErrorFromUnknown, getTRPCErrorShape, TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { documentedResponseSchema, procedureDef, procedureInvoker, servesStoreTypedOutput } from "./procedures";

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
    /** The served OpenAPI document: a store-typed answer is serialised from its REST twin's schema. */
    document: object;
  },
) {
  const { router } = options;
  // Per query procedure, worked out once: how to call it and, for store-typed answers
  // (procedures.ts), the envelope's schema around the REST twin's documented body.
  const queries = new Map(
    Object.keys(router._def.procedures)
      .filter((path) => procedureDef(router, path).type === "query")
      .map((path) => {
        const def = procedureDef(router, path);
        const openapi = (def.meta as { openapi?: { method: string; path: string } } | undefined)?.openapi;
        const data =
          servesStoreTypedOutput(def) && openapi
            ? documentedResponseSchema(options.document, openapi.method, openapi.path, 200)
            : null;
        const { components, ...body } = (data ?? {}) as { components?: object };
        const schema = data && {
          type: "object",
          properties: { result: { type: "object", properties: { data: body }, required: ["data"] } },
          required: ["result"],
          ...(components && { components }),
        };
        return [path, { invoke: procedureInvoker(def, path, { skipOutputValidation: schema !== null }), schema }];
      }),
  );
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
        // The constraint routes only the router's queries here.
        const query = queries.get(path)!;
        const data = await query.invoke(ctx, input);
        const body = { result: { data } };
        return reply
          .code(200)
          .type("application/json")
          .send(query.schema ? reply.serializeInput(body, query.schema) : body);
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
