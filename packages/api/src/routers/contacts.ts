import { z } from "zod";
import { errorResponses } from "../errors";
import {
  contactDetailSchema,
  contactDisplayNameSchema,
  contactListSchema,
  contactSchema,
  limitSchema,
} from "../schemas";
import * as contacts from "../services/contacts";
import { authedProcedure, idempotentProcedure, router } from "../trpc";

/** docs/contract.md § Contacts. Scoped to the caller: another user's contact is a 404. */
const notFound = errorResponses("contact_not_found");
const idInput = z.object({ id: z.string().max(100) });
const tags = ["contacts"];

export const contactsRouter = router({
  list: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/contacts",
        tags,
        protect: true,
        summary: "The user's contacts, most recent call first, with their call and open item counts",
        errorResponses: {},
      },
    })
    .input(z.object({ limit: limitSchema(50, 100), cursor: z.string().max(512).optional() }))
    .output(contactListSchema)
    .query(({ ctx, input }) => contacts.listContacts(ctx.deps, ctx.user, input)),

  get: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/contacts/{id}",
        tags,
        protect: true,
        summary: "One contact with its calls and open action items, newest first",
        errorResponses: notFound,
      },
    })
    .input(idInput)
    .output(contactDetailSchema)
    .query(({ ctx, input }) => contacts.getContact(ctx.deps, ctx.user, input.id)),

  update: idempotentProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/contacts/{id}",
        tags,
        protect: true,
        summary: "Rename a contact (an empty name goes back to the automatic one)",
        errorResponses: notFound,
      },
    })
    .input(idInput.extend({ displayName: contactDisplayNameSchema }))
    .output(contactSchema)
    .mutation(({ ctx, input }) => contacts.renameContact(ctx.deps, ctx.user, input.id, input.displayName)),
});
