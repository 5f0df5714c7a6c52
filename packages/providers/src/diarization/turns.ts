import type { SpeakerTurn } from "../types";

/** Drops empty or inverted spans and orders turns by time, so every source hands on the same shape. */
export function orderTurns(turns: readonly SpeakerTurn[]): SpeakerTurn[] {
  return turns
    .filter((turn) => turn.speaker !== "" && turn.end > turn.start)
    .map((turn) => ({ speaker: turn.speaker, start: turn.start, end: turn.end }))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}
