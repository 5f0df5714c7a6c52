import type { AppRouter, RequestContext } from "@scryon/api";
import { getTRPCErrorFromUnknown, type TRPCError } from "@trpc/server";

type ProcedureType = "query" | "mutation" | "subscription";

interface MiddlewareOptions {
  ctx: unknown;
  type: ProcedureType;
  path: string;
  input: unknown;
  getRawInput: () => Promise<unknown>;
  meta: unknown;
  signal: undefined;
  batchIndex: number;
  next: (options?: { ctx?: object; input?: unknown; getRawInput?: () => Promise<unknown> }) => Promise<Result>;
}
type Result = { ok: true; data: unknown } | { ok: false; error: TRPCError };
type Middleware = ((options: MiddlewareOptions) => Promise<Result>) & { _type?: string };

interface ProcedureDef {
  type: ProcedureType;
  meta?: { storeTypedOutput?: boolean } & Record<string, unknown>;
  middlewares: Middleware[];
}

/** A procedure's own definition (tRPC's `_def`), by its router path. */
export function procedureDef(router: AppRouter, path: string): ProcedureDef {
  return (router._def.procedures as unknown as Record<string, { _def: ProcedureDef }>)[path]!._def;
}

/**
 * Whether the host may serialise this procedure's answer from its documented
 * schema without re-validating it with zod. Only procedures marked
 * `storeTypedOutput` in their meta (docs/architecture.md, "How the server serves the router"):
 * their answer is built by our own mappers from typed store rows, so the
 * TypeScript types already tie it to the output schema, and the compiled
 * serializer writes exactly the documented properties (unknown keys dropped,
 * as zod's strip did). Everything else — documents parsed from stored JSON,
 * loose objects, unions — keeps zod's output validation. In the test suites
 * the oracle still checks every one of these answers against the document.
 */
export const servesStoreTypedOutput = (def: ProcedureDef) => def.meta?.storeTypedOutput === true;

/**
 * Calls one procedure the way tRPC's `callProcedure` does — the same middleware
 * chain (auth, idempotency, error mapping, input parsing), the same merge of
 * `ctx` and `input` at each `next()`, errors as TRPCErrors — without the
 * object-spread helper tRPC runs twice per middleware (15 % of a health check
 * in the profile). `skipOutputValidation` leaves out the output parser, only
 * for procedures whose answer is serialised from its schema (see above).
 */
export function procedureInvoker(def: ProcedureDef, path: string, options: { skipOutputValidation: boolean }) {
  const middlewares = options.skipOutputValidation
    ? def.middlewares.filter((middleware) => middleware._type !== "output")
    : def.middlewares;
  const { type, meta } = def;

  // `next` is returned by a function rather than written in the object literal: tsx (esbuild's keepNames) would
  // wrap a closure named there in a defineProperty call, once per middleware per request.
  const nextAfter =
    (index: number, ctx: unknown, input: unknown, getRawInput: () => Promise<unknown>): MiddlewareOptions["next"] =>
    (next) =>
      step(
        index + 1,
        next?.ctx ? { ...(ctx as object), ...next.ctx } : ctx,
        next && "input" in next ? next.input : input,
        next?.getRawInput ?? getRawInput,
      );

  async function step(
    index: number,
    ctx: unknown,
    input: unknown,
    getRawInput: () => Promise<unknown>,
  ): Promise<Result> {
    try {
      return await middlewares[index]!({
        ctx,
        type,
        path,
        input,
        getRawInput,
        meta,
        signal: undefined,
        batchIndex: 0,
        next: nextAfter(index, ctx, input, getRawInput),
      });
    } catch (cause) {
      return { ok: false, error: getTRPCErrorFromUnknown(cause) };
    }
  }

  return async (ctx: RequestContext, rawInput: unknown): Promise<unknown> => {
    const result = await step(0, ctx, undefined, async () => rawInput);
    if (!result.ok) throw result.error;
    return result.data;
  };
}

interface DocumentLike {
  paths?: Record<
    string,
    Record<string, { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }>
  >;
  components?: object;
}

/**
 * The JSON schema of an operation's success body, taken from the served OpenAPI
 * document itself, so the serializer and the document cannot disagree. `$ref`s
 * into the document's components resolve against the root schema.
 */
export function documentedResponseSchema(
  document: object,
  method: string,
  path: string,
  status: number,
): object | null {
  const { paths, components } = document as DocumentLike;
  const schema =
    paths?.[path]?.[method.toLowerCase()]?.responses?.[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) return null;
  return JSON.stringify(schema).includes('"$ref"') ? { ...schema, components } : schema;
}
