import { type AppRouter, errors, type RequestContext, successStatuses } from "@scryon/api";
import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import {
  coerceSchema,
  forEachOpenApiProcedure,
  getInputOutputParsers,
  instanceofZodTypeLikeVoid,
  instanceofZodTypeObject,
  instanceofZodTypeOptional,
  normalizePath,
  type OpenApiProcedure,
  unwrapZodType,
} from "trpc-to-openapi";
import { ZodArray, type ZodType } from "zod";
import { documentedResponseSchema, procedureDef, procedureInvoker, servesStoreTypedOutput } from "./procedures";

export interface RestRoutesOptions {
  router: AppRouter;
  createContext: (request: FastifyRequest) => RequestContext;
  /** The served OpenAPI document: store-typed answers are serialised from its response schemas. */
  document: object;
  /** Operations another plugin serves itself, as `GET /calls/{id}/digest` (their content negotiation is their own). */
  servedElsewhere?: readonly string[];
}

/** How one procedure reads its input from a request, worked out once at start-up. */
interface InputPlan {
  /** false: the procedure takes no input (z.void()). */
  takesInput: boolean;
  fromBody: boolean;
  /** Query keys whose schema is an array: a single `?key=v` still becomes `[v]`. */
  arrayKeys: string[];
}

const acceptsBody = (method: string) => method !== "GET" && method !== "DELETE";

function isArraySchema(schema: unknown): boolean {
  if (schema instanceof ZodArray) return true;
  return instanceofZodTypeOptional(schema as never) && (schema as { unwrap(): unknown }).unwrap() instanceof ZodArray;
}

function planInput(procedure: OpenApiProcedure, method: string): InputPlan {
  const { inputParser } = getInputOutputParsers(procedure);
  const schema = unwrapZodType(inputParser, true);
  const fromBody = acceptsBody(method);
  let arrayKeys: string[] = [];
  if (instanceofZodTypeObject(schema)) {
    // Query strings carry text only: numbers and booleans are coerced by their schema (once, here).
    coerceSchema(schema);
    if (!fromBody)
      arrayKeys = Object.entries(schema.shape as Record<string, ZodType>)
        .filter(([, shape]) => isArraySchema(shape))
        .map(([key]) => key);
  }
  return { takesInput: !instanceofZodTypeLikeVoid(schema), fromBody, arrayKeys };
}

function queryInput(query: Record<string, string | string[] | undefined>, plan: InputPlan) {
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === "") continue;
    input[key] = plan.arrayKeys.includes(key) && !Array.isArray(value) ? [value] : value;
  }
  return input;
}

/**
 * The REST face of the router, generated from the same procedures and OpenAPI
 * meta the document is built from: one Fastify route per operation, so matching
 * is Fastify's router, and each request calls its procedure directly. This is
 * what trpc-to-openapi's own adapter does, minus the per-request Web Request,
 * AbortSignal, route regex scan and schema coercion (see docs/architecture.md,
 * "One call, end to end"); its generator still writes the document.
 */
export function registerRestRoutes(app: FastifyInstance, options: RestRoutesOptions): void {
  const { router, createContext } = options;
  const statuses = successStatuses(router);

  forEachOpenApiProcedure(router._def.procedures, ({ path, type, procedure, meta }) => {
    const { openapi } = meta;
    // Input keys of a body operation that may also come as a query parameter (`?reanalyze=true`); the body wins.
    const queryInputs = (meta as { queryInputs?: readonly string[] }).queryInputs ?? [];
    if (type === "subscription") return;
    if (options.servedElsewhere?.includes(`${openapi.method} ${openapi.path}`)) return;
    const plan = planInput(procedure, openapi.method);
    const successStatus = statuses.get(path) ?? 200;
    const url = normalizePath(openapi.path).replace(/\{(\w+)\}/g, ":$1");
    const def = procedureDef(router, path);
    // Store-typed answers (procedures.ts): Fastify's compiled fast-json-stringify from the documented
    // schema writes the body, instead of zod re-validating it and JSON.stringify writing it.
    const responseSchema =
      servesStoreTypedOutput(def) && successStatus !== 204
        ? documentedResponseSchema(options.document, openapi.method, normalizePath(openapi.path), successStatus)
        : null;
    const invoke = procedureInvoker(def, path, { skipOutputValidation: responseSchema !== null });

    const handler = async (request: FastifyRequest, reply: FastifyReply) => {
      let input: Record<string, unknown> | undefined;
      if (plan.takesInput) {
        if (plan.fromBody) {
          const contentType = request.headers["content-type"];
          // A body-less POST (reanalyze) is legitimate: no content type and no body is an empty object.
          if (contentType !== undefined && !contentType.startsWith("application/json"))
            throw errors.unsupportedMediaType("Send a JSON body with Content-Type: application/json");
          const query = request.query as Record<string, string | undefined>;
          input = Object.fromEntries(queryInputs.flatMap((key) => (query[key] ? [[key, query[key]]] : [])));
          Object.assign(input, (request.body as Record<string, unknown> | undefined) ?? {});
        } else input = queryInput(request.query as Record<string, string | string[] | undefined>, plan);
        Object.assign(input, request.params as Record<string, string>);
      }
      const data = await invoke(createContext(request), input);
      if (successStatus === 204) return reply.code(204).send();
      return reply.code(successStatus).send(data);
    };

    // Errors take the server's one error handler (plugins/errors.ts) to the documented shape.
    app.route({
      method: openapi.method as HTTPMethods,
      url,
      handler,
      ...(responseSchema && { schema: { response: { [successStatus]: responseSchema } } }),
    });
  });
}
