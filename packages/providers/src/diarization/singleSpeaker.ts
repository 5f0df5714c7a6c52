import type { DiarizationRequest, DiarizationResult, DiarizationSource } from "../types";

export const SINGLE_SPEAKER_LABEL = "SPEAKER_00";
export const SINGLE_SPEAKER_PROVIDER = "single-speaker";

/**
 * The last resort: everything was said by one speaker. Never returns null, so a
 * transcript can always be produced. The turn spans the known duration, else the
 * transcription's duration or its last timed word or segment.
 */
export function createSingleSpeakerSource(): DiarizationSource {
  return {
    name: "SINGLE_SPEAKER",
    async diarize(request) {
      return singleSpeakerResult(request);
    },
  };
}

export function singleSpeakerResult(request: DiarizationRequest): DiarizationResult {
  return {
    turns: [{ speaker: SINGLE_SPEAKER_LABEL, start: 0, end: knownEnd(request) }],
    source: "SINGLE_SPEAKER",
    provider: SINGLE_SPEAKER_PROVIDER,
  };
}

function knownEnd(request: DiarizationRequest): number {
  if (request.durationSeconds !== null && request.durationSeconds > 0) return request.durationSeconds;
  const transcription = request.transcription;
  if (!transcription) return 0;
  if (transcription.durationSeconds !== null && transcription.durationSeconds > 0) return transcription.durationSeconds;
  const ends = [...transcription.words, ...transcription.segments].map((span) => span.end);
  return ends.length > 0 ? Math.max(...ends) : 0;
}
