import { errorResponses } from "../errors";
import { speakerCorrectionInputSchema, speakerCorrectionResultSchema } from "../schemas";
import { correctSpeaker } from "../services/speakers";
import { idempotentProcedure, router } from "../trpc";

/** docs/contract.md § Speaker corrections. */
export const speakersRouter = router({
  correct: idempotentProcedure
    .meta({
      queryInputs: ["reanalyze"],
      openapi: {
        method: "PATCH",
        path: "/calls/{id}/speakers/{speakerId}",
        tags: ["calls"],
        protect: true,
        summary: "Correct a speaker's name and/or role in a completed call's transcript",
        description:
          "Rewrites the transcript's speaker and its segments (`labelSource: USER_CORRECTION`, confidence HIGH); a role moved in a two-speaker call swaps the other speaker. The AI action items' owners follow. The correction is kept and survives a reanalysis and a re-run of speaker resolution. `?reanalyze=true` re-runs the analysis. 409 `call_state_conflict` with `details.reason` (`call_not_completed`, `transcript_missing`, `transcript_version_unsupported`).",
        errorResponses: errorResponses("call_not_found", "speaker_not_found", "call_state_conflict", "analysis_failed"),
      },
    })
    .input(speakerCorrectionInputSchema)
    .output(speakerCorrectionResultSchema)
    .mutation(({ ctx, input: { id, speakerId, ...request } }) =>
      correctSpeaker(ctx.deps, ctx.user, id, speakerId, request),
    ),
});
