import { z } from "zod";
import { errorResponses } from "../errors";
import {
  createdWebhookSchema,
  limitSchema,
  rotatedSecretSchema,
  webhookDeliveryListSchema,
  webhookDeliverySchema,
  webhookDescriptionSchema,
  webhookEventsSchema,
  webhookListSchema,
  webhookSchema,
  webhookUrlSchema,
} from "../schemas";
import * as webhooks from "../services/webhooks";
import { authedProcedure, idempotentProcedure, router } from "../trpc";

/** docs/contract.md § Webhooks. Every procedure is scoped to the caller: another user's endpoint is a 404. */
const notFound = errorResponses("webhook_not_found");
const idInput = z.object({ id: z.string().max(100) });
const page = { limit: limitSchema(50, 100), cursor: z.string().max(512).optional() };
const tags = ["webhooks"];

export const webhooksRouter = router({
  create: idempotentProcedure
    .meta({
      successStatus: 201,
      openapi: {
        method: "POST",
        path: "/webhooks",
        tags,
        protect: true,
        summary: "Register an endpoint; the answer carries its signing secret, shown only once",
        successDescription: "Created",
        errorResponses: {},
      },
    })
    .input(
      z.object({
        url: webhookUrlSchema,
        events: webhookEventsSchema,
        description: webhookDescriptionSchema.optional(),
      }),
    )
    .output(createdWebhookSchema)
    .mutation(({ ctx, input }) => webhooks.createWebhook(ctx.deps, ctx.user, input)),

  list: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/webhooks",
        tags,
        protect: true,
        summary: "The user's webhook endpoints, newest first",
        errorResponses: {},
      },
    })
    .input(z.object(page))
    .output(webhookListSchema)
    .query(({ ctx, input }) => webhooks.listWebhooks(ctx.deps, ctx.user, input)),

  get: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/webhooks/{id}",
        tags,
        protect: true,
        summary: "One endpoint",
        errorResponses: notFound,
      },
    })
    .input(idInput)
    .output(webhookSchema)
    .query(({ ctx, input }) => webhooks.getWebhook(ctx.deps, ctx.user, input.id)),

  update: idempotentProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/webhooks/{id}",
        tags,
        protect: true,
        summary: "Change the URL, events or description, or enable / disable the endpoint",
        errorResponses: notFound,
      },
    })
    .input(
      idInput.extend({
        url: webhookUrlSchema.optional(),
        events: webhookEventsSchema.optional(),
        description: webhookDescriptionSchema.optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .output(webhookSchema)
    .mutation(({ ctx, input: { id, ...patch } }) => webhooks.updateWebhook(ctx.deps, ctx.user, id, patch)),

  delete: idempotentProcedure
    .meta({
      successStatus: 204,
      openapi: {
        method: "DELETE",
        path: "/webhooks/{id}",
        tags,
        protect: true,
        summary: "Delete an endpoint and its deliveries",
        successDescription: "Deleted",
        errorResponses: notFound,
      },
    })
    .input(idInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await webhooks.deleteWebhook(ctx.deps, ctx.user, input.id);
    }),

  rotateSecret: idempotentProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/webhooks/{id}/rotate-secret",
        tags,
        protect: true,
        summary: "A new signing secret; the old one keeps signing alongside it for 24 hours",
        errorResponses: notFound,
      },
    })
    .input(idInput)
    .output(rotatedSecretSchema)
    .mutation(({ ctx, input }) => webhooks.rotateWebhookSecret(ctx.deps, ctx.user, input.id)),

  test: idempotentProcedure
    .meta({
      successStatus: 202,
      openapi: {
        method: "POST",
        path: "/webhooks/{id}/test",
        tags,
        protect: true,
        summary: "Queue a signed webhook.test message to the endpoint",
        successDescription: "Queued",
        errorResponses: notFound,
      },
    })
    .input(idInput)
    .output(webhookDeliverySchema)
    .mutation(({ ctx, input }) => webhooks.testWebhook(ctx.deps, ctx.user, input.id)),

  deliveries: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/webhooks/{id}/deliveries",
        tags,
        protect: true,
        summary: "Deliveries to the endpoint, newest first, each with its attempts",
        errorResponses: notFound,
      },
    })
    .input(idInput.extend(page))
    .output(webhookDeliveryListSchema)
    .query(({ ctx, input: { id, ...rest } }) => webhooks.listDeliveries(ctx.deps, ctx.user, id, rest)),

  redeliver: idempotentProcedure
    .meta({
      successStatus: 202,
      openapi: {
        method: "POST",
        path: "/webhooks/{id}/deliveries/{deliveryId}/redeliver",
        tags,
        protect: true,
        summary: "Send a finished delivery again (same webhook-id and body, a fresh retry window)",
        successDescription: "Queued",
        errorResponses: errorResponses("webhook_not_found", "webhook_delivery_not_found", "webhook_delivery_pending"),
      },
    })
    .input(idInput.extend({ deliveryId: z.string().max(100) }))
    .output(webhookDeliverySchema)
    .mutation(({ ctx, input }) => webhooks.redeliver(ctx.deps, ctx.user, input.id, input.deliveryId)),
});
