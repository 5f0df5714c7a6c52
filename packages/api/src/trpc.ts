import { createHash } from "node:crypto";
import { initTRPC } from "@trpc/server";
import type { OpenApiMeta } from "trpc-to-openapi";
import { type AuthedContext, type RequestContext, resolveUser } from "./context";
import { ApiError, type ApiErrorBody, errors, toApiError, toTRPCError } from "./errors";

const t = initTRPC
  .context<RequestContext>()
  .meta<OpenApiMeta>()
  .create({
    // Subscriptions travel as server-sent events; pings keep proxies from closing idle streams.
    sse: { ping: { enabled: true, intervalMs: 15_000 }, client: { reconnectAfterInactivityMs: 30_000 } },
    errorFormatter({ shape, error }) {
      const apiError = toApiError(error);
      // Never ship stack traces or internal messages.
      const { stack: _stack, ...data } = shape.data;
      return {
        ...shape,
        message: apiError.message,
        data: { ...data, httpStatus: apiError.status, error: apiError.toBody() satisfies ApiErrorBody },
      };
    },
  });

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Turns ApiErrors thrown by services into TRPCErrors with the right status. */
const apiErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof ApiError) throw toTRPCError(result.error.cause);
  return result;
});

export const publicProcedure = t.procedure.use(apiErrors);

export const authedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const principal = await ctx.authenticate().catch((error: unknown) => {
    throw toTRPCError(toApiError(error));
  });
  const user = await resolveUser(ctx.deps, principal).catch((error: unknown) => {
    throw toTRPCError(toApiError(error));
  });
  return next({ ctx: { ...ctx, user } satisfies AuthedContext });
});

const IDEMPOTENCY_WAIT_MS = 10_000;

/**
 * Idempotency-Key for JSON mutations (docs/contract.md § Idempotency): the first request with a key
 * runs and its response is stored; a retry gets the stored response; the same
 * key with a different request is a 409; a concurrent duplicate waits for the
 * first to finish.
 */
export const idempotentProcedure = authedProcedure.use(async ({ ctx, path, getRawInput, next }) => {
  const key = ctx.idempotencyKey;
  if (!key) return next();
  const hash = createHash("sha256")
    .update(path)
    .update("\0")
    .update(JSON.stringify((await getRawInput()) ?? null))
    .digest("hex");
  const { store } = ctx.deps;
  const deadline = Date.now() + IDEMPOTENCY_WAIT_MS;
  for (;;) {
    const claim = await store.idempotency.claim(ctx.user.id, key, hash);
    if (claim.claimed) break;
    const record = claim.record;
    if (record.requestHash !== hash) throw toTRPCError(errors.idempotencyConflict());
    if (record.state === "DONE") {
      return {
        ok: true as const,
        data: record.responseBody === null ? undefined : JSON.parse(record.responseBody),
        marker: undefined as never,
      };
    }
    if (Date.now() > deadline) throw toTRPCError(errors.idempotencyInProgress());
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const result = await next();
  if (result.ok) await store.idempotency.complete(ctx.user.id, key, 200, JSON.stringify(result.data ?? null));
  else await store.idempotency.release(ctx.user.id, key);
  return result;
});
