import type { AlignedTranscript, AlignedUnit, AlignmentGranularity } from "./align";
import { compareCodeUnits } from "./align";
import { roundTo3 } from "./numbers";
import { cleanSpokenText } from "./text";

/**
 * A pause longer than this inside one speaker's speech starts a new segment, so a
 * segment's time range never hides a long silence (and the clean text's timestamps
 * stay useful for seeking).
 */
export const MAX_PAUSE_WITHIN_SEGMENT_SECONDS = 2;

export interface NormalizedSpeaker {
  /** `spk_1`, `spk_2`, … by first appearance. */
  speakerId: string;
  /** The diarization label; null when there was no diarization (one speaker). */
  sourceSpeakerId: string | null;
  /** `Speaker N`, the label until speaker resolution names someone. */
  label: string;
}

export interface NormalizedSegment {
  /** `seg_0001`, `seg_0002`, … in time order. */
  id: string;
  speakerId: string;
  sourceSpeakerId: string | null;
  startSeconds: number;
  endSeconds: number;
  text: string;
  /** Mean alignment confidence of the segment's words; null without diarization. */
  alignmentConfidence: number | null;
}

export interface NormalizedTranscript {
  granularity: AlignmentGranularity;
  speakers: NormalizedSpeaker[];
  segments: NormalizedSegment[];
}

/**
 * Gives speakers stable ids by first appearance (ties broken by start, end, then
 * source label), merges each speaker's consecutive words into segments (split on
 * pauses over {@link MAX_PAUSE_WITHIN_SEGMENT_SECONDS}), and cleans stutters and
 * repeated fillers. Only speakers who said something get an id.
 */
export function normalizeTranscript(aligned: AlignedTranscript): NormalizedTranscript {
  const speakerIds = assignSpeakerIds(aligned.units);
  const speakers: NormalizedSpeaker[] = [...speakerIds.entries()].map(([sourceSpeakerId, speakerId]) => ({
    speakerId,
    sourceSpeakerId,
    label: `Speaker ${speakerId.slice("spk_".length)}`,
  }));

  const segments: NormalizedSegment[] = [];
  let pending: AlignedUnit[] = [];
  let pendingEnd = Number.NEGATIVE_INFINITY;
  const flush = (): void => {
    const first = pending[0];
    if (first === undefined) return;
    segments.push({
      id: segmentId(segments.length + 1),
      speakerId: speakerIds.get(first.sourceSpeakerId)!,
      sourceSpeakerId: first.sourceSpeakerId,
      startSeconds: roundTo3(first.start),
      endSeconds: roundTo3(pendingEnd),
      text: cleanSpokenText(pending.map((unit) => unit.text).join(" ")),
      alignmentConfidence: meanConfidence(pending),
    });
    pending = [];
    pendingEnd = Number.NEGATIVE_INFINITY;
  };

  for (const unit of aligned.units) {
    const first = pending[0];
    const continues =
      first !== undefined &&
      first.sourceSpeakerId === unit.sourceSpeakerId &&
      unit.start - pendingEnd <= MAX_PAUSE_WITHIN_SEGMENT_SECONDS;
    if (!continues) flush();
    pending.push(unit);
    pendingEnd = Math.max(pendingEnd, unit.end);
  }
  flush();

  return { granularity: aligned.granularity, speakers, segments };
}

/** Maps each source label to `spk_N`, in order of first appearance. */
function assignSpeakerIds(units: readonly AlignedUnit[]): Map<string | null, string> {
  const firstUnits = new Map<string | null, AlignedUnit>();
  for (const unit of units) {
    if (!firstUnits.has(unit.sourceSpeakerId)) firstUnits.set(unit.sourceSpeakerId, unit);
  }
  const ordered = [...firstUnits.entries()].sort(
    ([sourceA, a], [sourceB, b]) =>
      a.start - b.start || a.end - b.end || compareCodeUnits(sourceA ?? "", sourceB ?? ""),
  );
  return new Map(ordered.map(([source], index) => [source, `spk_${index + 1}`]));
}

function segmentId(ordinal: number): string {
  return `seg_${String(ordinal).padStart(4, "0")}`;
}

function meanConfidence(units: readonly AlignedUnit[]): number | null {
  let sum = 0;
  let count = 0;
  for (const unit of units) {
    if (unit.alignmentConfidence === null) continue;
    sum += unit.alignmentConfidence;
    count += 1;
  }
  return count === 0 ? null : roundTo3(sum / count);
}
