import { z } from "zod";
import { healthSchema, userSchema } from "../schemas";
import { toUserDto } from "../serialize";
import { authedProcedure, idempotentProcedure, publicProcedure, router } from "../trpc";

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
    .query(({ ctx }) => toUserDto(ctx.user)),

  updateMe: idempotentProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/users/me",
        tags: ["users"],
        protect: true,
        summary: "Update the display name (used by speaker resolution)",
        errorResponses: {},
      },
    })
    .input(z.object({ displayName: z.string().trim().max(100) }))
    .output(userSchema)
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.deps.store.users.updateDisplayName(
        ctx.user.id,
        input.displayName === "" ? null : input.displayName,
      );
      return toUserDto(user ?? ctx.user);
    }),
});

export const healthRouter = router({
  check: publicProcedure
    .meta({ openapi: { method: "GET", path: "/health", tags: ["health"], summary: "Liveness (public)" } })
    .input(z.void())
    .output(healthSchema)
    .query(({ ctx }) => ({
      status: "ok" as const,
      version: ctx.deps.settings.version,
      providers: ctx.deps.settings.providers,
    })),
});
