import { TranscriptError } from "./errors";
import type { SpeakerTurnInput, TimedSegmentInput, TimedWordInput, TranscriptionInput } from "./input";
import { roundTo3 } from "./numbers";
import { restorePunctuation } from "./punctuation";

/** Which timing alignment used: words, provider segments (no word timing), or nothing at all. */
export type AlignmentGranularity = "WORD" | "SEGMENT" | "EMPTY";

export interface AlignedUnit {
  text: string;
  start: number;
  end: number;
  /** Label of the turn this unit was given to; null when diarization produced no turns. */
  sourceSpeakerId: string | null;
  /**
   * Fraction of the unit's duration its turn covers (0..1, to thousandths). 0 when no turn overlapped
   * and the nearest turn was taken; null when there were no turns to align against.
   */
  alignmentConfidence: number | null;
}

export interface AlignedTranscript {
  granularity: AlignmentGranularity;
  /** In time order: by start, then end, then input order. */
  units: AlignedUnit[];
}

/** Float slack so that hand-equal overlaps (0.5 vs 0.5) compare as ties. */
const EPSILON = 1e-9;

interface Span {
  text: string;
  start: number;
  end: number;
}

interface Turn {
  speaker: string;
  start: number;
  end: number;
}

/**
 * Gives each word (or each provider segment when there is no word timing) to the
 * diarization turn it overlaps most. Ties go to the earliest turn (by start, end,
 * label); a unit no turn overlaps goes to the nearest turn in time. Without turns,
 * everything belongs to one speaker.
 *
 * Words take their punctuation and casing from the provider's segment text when
 * both are present (see {@link restorePunctuation}): segments are rebuilt from words,
 * and their sentence boundaries are what the analysis reads.
 *
 * Runs in O((W + T) log(W + T)): both lists are sorted once and swept together, and
 * only the turns currently open around a word are examined (a handful, bounded by
 * how many speakers talk over each other).
 */
export function alignTranscript(
  transcription: TranscriptionInput,
  turns: readonly SpeakerTurnInput[],
): AlignedTranscript {
  const useWords = transcription.words.length > 0;
  const spans = toSortedSpans(
    useWords ? restorePunctuation(transcription.words, transcription.segments) : transcription.segments,
  );
  const granularity: AlignmentGranularity = spans.length === 0 ? "EMPTY" : useWords ? "WORD" : "SEGMENT";
  const sortedTurns = toSortedTurns(turns);

  if (sortedTurns.length === 0) {
    return {
      granularity,
      units: spans.map((span) => ({ ...span, sourceSpeakerId: null, alignmentConfidence: null })),
    };
  }

  const units: AlignedUnit[] = [];
  // Turns that started before the current span ends and have not ended before it starts.
  const open: Turn[] = [];
  let nextTurn = 0;
  // The closed turn that ended last: the nearest candidate before a span in a gap.
  let lastClosed: Turn | null = null;

  for (const span of spans) {
    while (nextTurn < sortedTurns.length && sortedTurns[nextTurn]!.start <= span.end) {
      open.push(sortedTurns[nextTurn]!);
      nextTurn += 1;
    }
    // Spans arrive in start order, so a turn that ended before this one starts can
    // never overlap a later span either.
    let kept = 0;
    for (const turn of open) {
      if (turn.end <= span.start) {
        if (lastClosed === null || turn.end > lastClosed.end) lastClosed = turn;
      } else {
        open[kept] = turn;
        kept += 1;
      }
    }
    open.length = kept;

    const covering = bestOverlap(span, open);
    if (covering !== null) {
      units.push({ ...span, sourceSpeakerId: covering.turn.speaker, alignmentConfidence: covering.fraction });
      continue;
    }
    const nearest = nearestTurn(span, lastClosed, open, sortedTurns[nextTurn] ?? null);
    units.push({ ...span, sourceSpeakerId: nearest.speaker, alignmentConfidence: 0 });
  }

  return { granularity, units };
}

function bestOverlap(span: Span, open: readonly Turn[]): { turn: Turn; fraction: number } | null {
  const duration = span.end - span.start;
  if (duration <= 0) {
    // An instant: the first turn that contains it (half-open) covers it fully.
    const container = open.find((turn) => turn.start <= span.start && span.start < turn.end);
    return container ? { turn: container, fraction: 1 } : null;
  }
  let best: Turn | null = null;
  let bestSeconds = 0;
  for (const turn of open) {
    const seconds = Math.min(span.end, turn.end) - Math.max(span.start, turn.start);
    if (seconds > bestSeconds + EPSILON) {
      best = turn;
      bestSeconds = seconds;
    }
  }
  return best === null ? null : { turn: best, fraction: roundTo3(Math.min(1, bestSeconds / duration)) };
}

function nearestTurn(span: Span, before: Turn | null, open: readonly Turn[], after: Turn | null): Turn {
  // Candidates in time order, so an exact tie goes to the earlier turn.
  let best: Turn | null = null;
  let bestGap = Number.POSITIVE_INFINITY;
  for (let index = -1; index <= open.length; index += 1) {
    const turn = index === -1 ? before : index === open.length ? after : open[index]!;
    if (turn === null) continue;
    const gap = Math.max(0, turn.start - span.end, span.start - turn.end);
    if (gap < bestGap - EPSILON) {
      best = turn;
      bestGap = gap;
    }
  }
  // Unreachable with at least one turn: every turn is closed, open or still ahead.
  if (best === null) throw new Error("alignment invariant: no candidate turn");
  return best;
}

function toSortedSpans(items: readonly (TimedWordInput | TimedSegmentInput)[]): Span[] {
  const spans: Span[] = [];
  for (const item of items) {
    const text = item.text.trim();
    if (text === "") continue;
    const { start, end } = checkedTiming(item.start, item.end);
    spans.push({ text, start, end });
  }
  // Array.prototype.sort is stable, so equal timings keep input order.
  return spans.sort((a, b) => a.start - b.start || a.end - b.end);
}

function toSortedTurns(turns: readonly SpeakerTurnInput[]): Turn[] {
  const sorted: Turn[] = [];
  for (const turn of turns) {
    const { start, end } = checkedTiming(turn.start, turn.end);
    // A turn without duration holds no speech and could only attract words wrongly.
    if (end <= start) continue;
    sorted.push({ speaker: turn.speaker, start, end });
  }
  return sorted.sort((a, b) => a.start - b.start || a.end - b.end || compareCodeUnits(a.speaker, b.speaker));
}

function checkedTiming(start: number, end: number): { start: number; end: number } {
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new TranscriptError("transcript_invalid_timing", "A word, segment or turn has a non-finite time");
  }
  // Times before the recording start are clock noise; an end before its start is a
  // zero-length token some providers emit: treat it as an instant.
  const clampedStart = Math.max(0, start);
  return { start: clampedStart, end: Math.max(clampedStart, end) };
}

/** Locale-independent ordering, so results never depend on the host's locale. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
