import { z } from "zod";
import { errorResponses } from "../errors";
import { limitSchema, searchHitSchema } from "../schemas";
import { searchCalls } from "../services/search";
import { authedProcedure, router } from "../trpc";

const instant = z.iso.datetime({ offset: true, message: "must be an ISO-8601 timestamp" });

export const searchRouter = router({
  query: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/search",
        tags: ["search"],
        protect: true,
        summary: "Search the user's calls: transcripts, summaries and action items, best match first",
        description:
          'Every word of `q` must match (case-insensitive, accents as written). `"…"` matches a phrase, a trailing `*` a prefix (`disc*`); other punctuation only separates words, and AND, OR, NOT, NEAR in capitals are ignored. A query without any word is a 400 `invalid_search_query`. Each hit\'s `snippet` is HTML-escaped text with the matched words in `<mark>…</mark>`, safe to insert as HTML. Transcript hits carry the segment and where it starts, to jump to that moment.',
        errorResponses: errorResponses("invalid_search_query"),
      },
    })
    .input(
      z.object({
        q: z
          .string()
          .max(500)
          .optional()
          .describe("What to search for; missing or without any word: 400 invalid_search_query"),
        limit: limitSchema(20, 100),
        cursor: z.string().max(512).optional(),
        from: instant.optional().describe("Only calls created at or after this instant"),
        to: instant.optional().describe("Only calls created before this instant"),
        contactId: z.string().max(100).optional().describe("Only calls grouped into this contact (GET /api/contacts)"),
      }),
    )
    .output(z.object({ items: z.array(searchHitSchema), nextCursor: z.string().optional() }))
    .query(({ ctx, input }) => searchCalls(ctx.deps, ctx.user, input)),
});
