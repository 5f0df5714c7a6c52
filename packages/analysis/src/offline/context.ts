import type { AnalysisInput, AnalysisSegment, AnalysisSpeaker } from "../types";
import { referenceInstant } from "./dates";
import { type Parties, type Sentence, speakerName, splitSentences } from "./text";

/** Everything the offline extractors share about one call, computed once. */
export interface CallContext {
  input: AnalysisInput;
  sentences: Sentence[];
  reference: Date;
  speakers: AnalysisSpeaker[];
  speakerOf(speakerId: string): AnalysisSpeaker | undefined;
  /** The single other speaker in a two-party call. */
  counterpartOf(speakerId: string): AnalysisSpeaker | undefined;
  partiesFor(speakerId: string, addresseeId?: string | null): Parties;
  nameOf(speakerId: string): string;
  segmentIndex(segmentId: string): number;
  /** Start of the last segment's end, the call length we can trust. */
  spanSeconds: number;
}

export function buildContext(input: AnalysisInput): CallContext {
  const speakers = speakersOf(input);
  const byId = new Map(speakers.map((s) => [s.speakerId, s]));
  const indexById = new Map(input.segments.map((s, i) => [s.id, i]));
  const firstStart = input.segments[0]?.startSeconds ?? 0;
  const lastEnd = input.segments.reduce((max, s) => Math.max(max, s.endSeconds), 0);
  const spanSeconds =
    input.durationSeconds && input.durationSeconds > 0 ? input.durationSeconds : Math.max(0, lastEnd - firstStart);

  const counterpartOf = (speakerId: string) => {
    const others = speakers.filter((s) => s.speakerId !== speakerId);
    return others.length === 1 ? others[0] : undefined;
  };
  const nameOf = (speakerId: string) => {
    const speaker = byId.get(speakerId);
    return speaker ? speakerName(speaker) : "a participant";
  };

  return {
    input,
    sentences: splitSentences(input.segments),
    reference: referenceInstant(input.recordedAt, input.createdAt),
    speakers,
    speakerOf: (id) => byId.get(id),
    counterpartOf,
    nameOf,
    partiesFor: (speakerId, addresseeId) => {
      const addressee = addresseeId ? byId.get(addresseeId) : counterpartOf(speakerId);
      return { speaker: nameOf(speakerId), counterpart: addressee ? speakerName(addressee) : "the other party" };
    },
    segmentIndex: (id) => indexById.get(id) ?? -1,
    spanSeconds,
  };
}

/** The speaker list, completed from the segments if the transcript omitted someone. */
function speakersOf(input: AnalysisInput): AnalysisSpeaker[] {
  const speakers = [...input.speakers];
  const known = new Set(speakers.map((s) => s.speakerId));
  for (const segment of input.segments) {
    if (known.has(segment.speakerId)) continue;
    known.add(segment.speakerId);
    speakers.push(fromSegment(segment));
  }
  return speakers;
}

function fromSegment(segment: AnalysisSegment): AnalysisSpeaker {
  return {
    speakerId: segment.speakerId,
    label: segment.speakerLabel,
    displayName: segment.speakerDisplayName,
    role: segment.role,
  };
}
