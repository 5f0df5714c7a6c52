import { z } from "zod";
import { errorResponses } from "../errors";
import { actionItemSchema, actionItemStatusSchema, dueDateSchema, limitSchema, prioritySchema } from "../schemas";
import * as items from "../services/action-items";
import { authedProcedure, idempotentProcedure, router } from "../trpc";

const idInput = z.object({ id: z.string().max(100) });
const title = z.string().trim().min(1, "title is required").max(300);
const description = z.string().trim().max(5000);

export const actionItemsRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/actions",
        tags: ["action items"],
        protect: true,
        summary: "The user's action items, newest first",
        errorResponses: {},
      },
    })
    .input(
      z.object({
        limit: limitSchema(50, 100),
        cursor: z.string().max(512).optional(),
        status: actionItemStatusSchema.optional(),
      }),
    )
    .output(z.object({ items: z.array(actionItemSchema), nextCursor: z.string().optional() }))
    .query(({ ctx, input }) => items.listUserActionItems(ctx.deps, ctx.user, input)),

  setStatus: idempotentProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/actions/{id}",
        tags: ["action items"],
        protect: true,
        summary: "Set an action item's status",
        errorResponses: errorResponses("action_item_not_found"),
      },
    })
    .input(idInput.extend({ status: actionItemStatusSchema }))
    .output(actionItemSchema)
    .mutation(({ ctx, input }) => items.setActionItemStatus(ctx.deps, ctx.user, input.id, input.status)),

  listForCall: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/calls/{id}/action-items",
        tags: ["action items"],
        protect: true,
        summary: "Action items of one call (AI and manual)",
        errorResponses: errorResponses("call_not_found"),
      },
    })
    .input(idInput)
    .output(z.object({ items: z.array(actionItemSchema) }))
    .query(({ ctx, input }) => items.listCallActionItems(ctx.deps, ctx.user, input.id)),

  create: idempotentProcedure
    .meta({
      successStatus: 201,
      openapi: {
        method: "POST",
        path: "/calls/{id}/action-items",
        tags: ["action items"],
        protect: true,
        summary: "Create a manual action item",
        successDescription: "Created",
        errorResponses: errorResponses("call_not_found"),
      },
    })
    .input(
      idInput.extend({
        title,
        description: description.optional(),
        dueDate: dueDateSchema.optional(),
        priority: prioritySchema.optional(),
      }),
    )
    .output(actionItemSchema)
    .mutation(({ ctx, input: { id, ...item } }) => items.createManualActionItem(ctx.deps, ctx.user, id, item)),

  replace: idempotentProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/action-items/{id}",
        tags: ["action items"],
        protect: true,
        summary: "Replace an action item's title, description, due date, priority and status",
        errorResponses: errorResponses("action_item_not_found"),
      },
    })
    .input(
      idInput.extend({
        title,
        description: description.nullable(),
        dueDate: dueDateSchema.nullable(),
        priority: prioritySchema,
        status: actionItemStatusSchema,
      }),
    )
    .output(actionItemSchema)
    .mutation(({ ctx, input: { id, ...item } }) => items.replaceActionItem(ctx.deps, ctx.user, id, item)),

  delete: idempotentProcedure
    .meta({
      successStatus: 204,
      openapi: {
        method: "DELETE",
        path: "/action-items/{id}",
        tags: ["action items"],
        protect: true,
        summary: "Delete an action item",
        successDescription: "Deleted",
        errorResponses: errorResponses("action_item_not_found"),
      },
    })
    .input(idInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await items.deleteActionItem(ctx.deps, ctx.user, input.id);
    }),
});
