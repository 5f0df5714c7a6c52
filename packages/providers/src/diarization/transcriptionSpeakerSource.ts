import type { DiarizationSource, SpeakerTurn } from "../types";
import { orderTurns } from "./turns";

interface LabelledSpan {
  start: number;
  end: number;
  speaker?: string | null;
}

/**
 * Uses the speaker labels the transcription provider returned (diarizing models,
 * self-hosted servers with diarization). Word labels win over segment labels
 * because they are finer; null when the transcription carries no labels.
 */
export function createTranscriptionSpeakerSource(): DiarizationSource {
  return {
    name: "TRANSCRIPTION_PROVIDER",
    async diarize(request) {
      const transcription = request.transcription;
      if (!transcription) return null;
      const turns = turnsFromLabels(transcription.words);
      const chosen = turns.length > 0 ? turns : turnsFromLabels(transcription.segments);
      if (chosen.length === 0) return null;
      return { turns: chosen, source: "TRANSCRIPTION_PROVIDER", provider: transcription.provider };
    },
  };
}

/** Consecutive spans of one speaker become one turn; unlabelled spans neither start nor break a turn. */
function turnsFromLabels(spans: readonly LabelledSpan[]): SpeakerTurn[] {
  const labelled = spans
    .filter(
      (span): span is LabelledSpan & { speaker: string } => typeof span.speaker === "string" && span.speaker !== "",
    )
    .sort((a, b) => a.start - b.start || a.end - b.end);
  const turns: SpeakerTurn[] = [];
  for (const span of labelled) {
    const current = turns.at(-1);
    if (current && current.speaker === span.speaker) {
      current.end = Math.max(current.end, span.end);
    } else {
      turns.push({ speaker: span.speaker, start: span.start, end: span.end });
    }
  }
  return orderTurns(turns);
}
