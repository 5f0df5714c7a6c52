import { z } from "zod";
import { healthSchema, userSchema } from "../schemas";
import { toUserDto } from "../serialize";
import { deleteAccount } from "../services/account";
import { authedProcedure, idempotentProcedure, publicProcedure, router } from "../trpc";

/** Days a call may be kept at most: ten years. */
const MAX_RETENTION_DAYS = 3650;

export const usersRouter = router({
  me: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/users/me",
        tags: ["users"],
        protect: true,
        summary: "The authenticated user",
        errorResponses: {},
      },
    })
    .input(z.void())
    .output(userSchema)
    .query(({ ctx }) => toUserDto(ctx.user, ctx.deps.settings.defaultRetentionDays ?? null)),

  updateMe: idempotentProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/users/me",
        tags: ["users"],
        protect: true,
        summary: "Update the display name (used by speaker resolution) and the retention of calls",
        description:
          'Omitted fields are unchanged. `displayName: ""` clears the name. `retentionDays` (1–3650) deletes calls older than that many days, exactly like DELETE; `null` falls back to the server default (SCRYON_RETENTION_DAYS, unset = kept). See docs/contract.md § Retention and account deletion.',
        errorResponses: {},
      },
    })
    .input(
      z.object({
        displayName: z.string().trim().max(100).optional(),
        retentionDays: z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable().optional(),
      }),
    )
    .output(userSchema)
    .mutation(async ({ ctx, input }) => {
      let user = ctx.user;
      if (input.displayName !== undefined) {
        user =
          (await ctx.deps.store.users.updateDisplayName(
            user.id,
            input.displayName === "" ? null : input.displayName,
          )) ?? user;
      }
      if (input.retentionDays !== undefined) {
        user = (await ctx.deps.store.users.setRetentionDays(user.id, input.retentionDays)) ?? user;
      }
      return toUserDto(user, ctx.deps.settings.defaultRetentionDays ?? null);
    }),

  // Not idempotentProcedure: the record it would store outlives the account; DELETE is idempotent by itself.
  deleteMe: authedProcedure
    .meta({
      successStatus: 204,
      openapi: {
        method: "DELETE",
        path: "/users/me",
        tags: ["users"],
        protect: true,
        successDescription: "The account and everything derived from it are gone",
        summary: "Delete the account: every call, artifact, action item, event and idempotency record, then the user",
        description:
          "Idempotent and safe to retry after a failure halfway: every step only removes. Answers 204. See docs/contract.md § Retention and account deletion.",
        errorResponses: {},
      },
    })
    .input(z.void())
    .output(z.void())
    .mutation(async ({ ctx }) => {
      await deleteAccount(ctx.deps, ctx.user);
    }),
});

export const healthRouter = router({
  check: publicProcedure
    .meta({
      // Built from the settings: served through the compiled serializer (apps/server procedures.ts).
      storeTypedOutput: true,
      openapi: { method: "GET", path: "/health", tags: ["health"], summary: "Liveness (public)" },
    })
    .input(z.void())
    .output(healthSchema)
    .query(({ ctx }) => ({
      status: "ok" as const,
      version: ctx.deps.settings.version,
      providers: ctx.deps.settings.providers,
    })),
});
