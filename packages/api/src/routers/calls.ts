import { TRANSCRIPT_EXPORT_FORMATS } from "@scryon/transcript";
import { z } from "zod";
import { errorResponses } from "../errors";
import {
  bulkDeleteInputSchema,
  bulkDeleteResultSchema,
  callDetailSchema,
  callListSchema,
  callStatusSchema,
  limitSchema,
  MAX_STATUS_IDS,
  processingLedgerSchema,
  servedAnalysisSchema,
  servedTranscriptSchema,
  statusPollSchema,
} from "../schemas";
import * as calls from "../services/calls";
import { DIGEST_FORMATS } from "../services/digest";
import * as callExports from "../services/export";
import { statusChanges } from "../services/live";
import { authedProcedure, idempotentProcedure, router } from "../trpc";

const idInput = z.object({ id: z.string().max(100) });

/**
 * The ids of a status poll, however sent: `?ids=a,b`, repeated `?ids=a&ids=b`, or tRPC's `["a","b"]`, each
 * part split at commas and trimmed, empty parts dropped. One pass: the poll is the hottest request, and an
 * array went through a join and a split before.
 */
function polledIds(value: string | string[]): string[] {
  const ids: string[] = [];
  for (const part of Array.isArray(value) ? value : [value])
    for (const piece of part.split(",")) {
      const id = piece.trim();
      if (id) ids.push(id);
    }
  return ids;
}

/** A rendered export (subtitles, digest): the text plus what to serve it as. */
const exportedDocumentSchema = z.object({
  format: z.enum([...TRANSCRIPT_EXPORT_FORMATS, ...DIGEST_FORMATS]),
  contentType: z.string(),
  fileName: z.string(),
  content: z.string(),
});

export const callsRouter = router({
  list: authedProcedure
    .meta({
      // Built by our mappers from typed store rows: served through the compiled serializer (apps/server procedures.ts).
      storeTypedOutput: true,
      openapi: {
        method: "GET",
        path: "/calls",
        tags: ["calls"],
        protect: true,
        summary: "List the user's calls, newest first",
        errorResponses: {},
      },
    })
    .input(
      z.object({
        limit: limitSchema(50, 100),
        cursor: z.string().max(512).optional(),
        status: callStatusSchema.optional(),
      }),
    )
    .output(callListSchema)
    .query(({ ctx, input }) => calls.listCalls(ctx.deps, ctx.user, input)),

  status: authedProcedure
    .meta({
      // Built by our mappers from typed store rows: served through the compiled serializer (apps/server procedures.ts).
      storeTypedOutput: true,
      openapi: {
        method: "GET",
        path: "/calls/status",
        tags: ["calls"],
        protect: true,
        summary: "Bulk poll call statuses",
        description: `Comma-separated ids, at most ${MAX_STATUS_IDS}. Unknown and foreign ids are left out.`,
        errorResponses: {},
      },
    })
    .input(
      z.object({
        ids: z
          .union([z.string().max(MAX_STATUS_IDS * 40), z.array(z.string().max(MAX_STATUS_IDS * 40))])
          .transform(polledIds)
          .pipe(z.array(z.string()).max(MAX_STATUS_IDS, `at most ${MAX_STATUS_IDS} ids`)),
      }),
    )
    .output(statusPollSchema)
    .query(({ ctx, input }) => calls.pollStatuses(ctx.deps, ctx.user, input.ids)),

  get: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/calls/{id}",
        tags: ["calls"],
        protect: true,
        summary: "Call detail",
        errorResponses: errorResponses("call_not_found"),
      },
    })
    .input(idInput)
    .output(callDetailSchema)
    .query(({ ctx, input }) => calls.getCallDetail(ctx.deps, ctx.user, input.id)),

  retry: idempotentProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/calls/{id}/retry",
        tags: ["calls"],
        protect: true,
        summary: "Re-queue a call that failed on a transient provider fault while its audio is kept",
        description:
          "Idempotent: a call already queued or processing again is answered as it is. 409 `call_state_conflict` with `details.reason` (`call_completed`, `failure_not_transient`, `audio_deleted`) otherwise.",
        errorResponses: errorResponses("call_not_found", "call_state_conflict"),
      },
    })
    .input(idInput)
    .output(callDetailSchema)
    .mutation(({ ctx, input }) => calls.retryCall(ctx.deps, ctx.user, input.id)),

  update: idempotentProcedure
    .meta({
      openapi: {
        method: "PATCH",
        path: "/calls/{id}",
        tags: ["calls"],
        protect: true,
        summary: "Edit title, summary or notes (omitted = unchanged, empty = cleared)",
        errorResponses: errorResponses("call_not_found"),
      },
    })
    .input(
      idInput.extend({
        title: z.string().max(200).optional(),
        summary: z.string().max(2000).optional(),
        notes: z.string().max(20_000).optional(),
      }),
    )
    .output(callDetailSchema)
    .mutation(({ ctx, input: { id, ...patch } }) => calls.updateCall(ctx.deps, ctx.user, id, patch)),

  delete: idempotentProcedure
    .meta({
      successStatus: 204,
      openapi: {
        method: "DELETE",
        path: "/calls/{id}",
        tags: ["calls"],
        protect: true,
        summary: "Hard-delete a call, its artifacts and action items",
        successDescription: "Deleted",
        errorResponses: errorResponses("call_not_found"),
      },
    })
    .input(idInput)
    .output(z.void())
    .mutation(async ({ ctx, input }) => {
      await calls.deleteCall(ctx.deps, ctx.user, input.id);
    }),

  /** Served on REST as DELETE /api/calls by a small route (trpc-to-openapi reads no DELETE bodies). */
  deleteMany: idempotentProcedure
    .input(bulkDeleteInputSchema)
    .output(bulkDeleteResultSchema)
    .mutation(({ ctx, input }) => calls.deleteCalls(ctx.deps, ctx.user, input.callIds)),

  /** Live status of the user's calls over server-sent events (tRPC only; REST clients poll /calls/status). */
  statusChanges: authedProcedure.subscription(({ ctx, signal }) => statusChanges(ctx.deps, ctx.user, signal)),

  processing: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/calls/{id}/processing",
        tags: ["calls"],
        protect: true,
        summary: "Where this call went: each stage's event and every outside service that received its audio or text",
        errorResponses: errorResponses("call_not_found"),
      },
    })
    .input(idInput)
    .output(processingLedgerSchema)
    .query(({ ctx, input }) => calls.getProcessingLedger(ctx.deps, ctx.user, input.id)),

  transcript: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/calls/{id}/transcript",
        tags: ["calls"],
        protect: true,
        summary: "Normalised, speaker-attributed transcript",
        errorResponses: errorResponses("call_not_found", "call_not_completed", "transcript_not_found"),
      },
    })
    .input(idInput)
    .output(servedTranscriptSchema)
    .query(({ ctx, input }) => calls.getTranscript(ctx.deps, ctx.user, input.id)),

  analysis: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/calls/{id}/analysis",
        tags: ["calls"],
        protect: true,
        summary: "Analysis document (schema v3) with legacy aliases",
        errorResponses: errorResponses("call_not_found", "call_not_completed", "analysis_not_found"),
      },
    })
    .input(idInput)
    .output(servedAnalysisSchema)
    .query(({ ctx, input }) => calls.getAnalysis(ctx.deps, ctx.user, input.id)),

  /**
   * The transcript as SubRip, WebVTT or plain text. Over REST it is
   * GET /calls/{id}/transcript?format=srt|vtt (or an Accept header), answered
   * with the raw file by the server's export route, because trpc-to-openapi
   * always answers JSON.
   */
  transcriptExport: authedProcedure
    .input(idInput.extend({ format: z.enum(TRANSCRIPT_EXPORT_FORMATS) }))
    .output(exportedDocumentSchema)
    .query(({ ctx, input }) => callExports.exportTranscript(ctx.deps, ctx.user, input.id, input.format)),

  digest: authedProcedure
    .meta({
      openapi: {
        method: "GET",
        path: "/calls/{id}/digest",
        tags: ["calls"],
        protect: true,
        summary: "Share digest of the analysis for messaging apps",
        description:
          "Answered as text/markdown (default) or text/plain, not JSON: `?format=markdown|text` or an Accept header.",
        errorResponses: errorResponses("call_not_found", "call_not_completed", "analysis_not_found"),
      },
    })
    .input(idInput.extend({ format: z.enum(DIGEST_FORMATS).default("markdown") }))
    .output(exportedDocumentSchema)
    .query(({ ctx, input }) => callExports.exportDigest(ctx.deps, ctx.user, input.id, input.format)),
});

/** Registered only outside production (docs/contract.md § Calls): in prod the route does not exist. */
export const callsDeveloperRouter = router({
  reanalyze: idempotentProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/calls/{id}/reanalyze",
        tags: ["calls"],
        protect: true,
        summary: "Re-run the analysis from the stored transcript (dev/staging only)",
        errorResponses: errorResponses(
          "call_not_found",
          "call_state_conflict",
          "transcript_not_found",
          "analysis_failed",
        ),
      },
    })
    .input(idInput)
    .output(callDetailSchema)
    .mutation(({ ctx, input }) => calls.reanalyzeCall(ctx.deps, ctx.user, input.id)),
});
