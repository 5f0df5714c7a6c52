/**
 * The transcript for people rather than programs: SubRip, WebVTT and plain text.
 * Pure formatters over the segments of a transcript document.
 */

export const TRANSCRIPT_EXPORT_FORMATS = ["srt", "vtt", "text"] as const;
export type TranscriptExportFormat = (typeof TRANSCRIPT_EXPORT_FORMATS)[number];

/** The parts of a transcript segment a subtitle cue needs. */
export interface CueSegment {
  startSeconds: number;
  endSeconds: number;
  /** The speaker's display name or label ("Ravi Kumar", "Speaker 2"). */
  speaker: string;
  text: string;
}

function splitMilliseconds(seconds: number) {
  const totalMs = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 1000));
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return {
    hms: `${pad(Math.floor(totalMs / 3_600_000))}:${pad(Math.floor(totalMs / 60_000) % 60)}:${pad(Math.floor(totalMs / 1000) % 60)}`,
    ms: pad(totalMs % 1000, 3),
  };
}

/** `00:00:01,000` — SubRip uses a comma before the milliseconds. */
export function formatSubRipTime(seconds: number): string {
  const { hms, ms } = splitMilliseconds(seconds);
  return `${hms},${ms}`;
}

/** `00:00:01.000` — WebVTT uses a full stop; hours are always written. */
export function formatWebVttTime(seconds: number): string {
  const { hms, ms } = splitMilliseconds(seconds);
  return `${hms}.${ms}`;
}

/**
 * Cue text may span lines but must never contain a blank line (it ends the cue)
 * nor the timing arrow (it starts a new one).
 */
function cueLines(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim().replace(/-->/g, "->"))
    .filter((line) => line.length > 0)
    .join("\n");
}

const escapeVtt = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Cues in time order; a cue that would end before it starts ends where it starts. */
function orderedCues(segments: readonly CueSegment[]) {
  return segments
    .map((segment) => ({
      ...segment,
      text: cueLines(segment.text),
      speaker: segment.speaker.replace(/\s+/g, " ").trim(),
    }))
    .filter((segment) => segment.text.length > 0)
    .sort((a, b) => a.startSeconds - b.startSeconds)
    .map((segment) => ({ ...segment, endSeconds: Math.max(segment.endSeconds, segment.startSeconds) }));
}

/** SubRip: numbered cues, `Speaker: text`, blank-line separated, CRLF-free. */
export function toSubRip(segments: readonly CueSegment[]): string {
  return orderedCues(segments)
    .map((cue, index) => {
      const text = cue.speaker ? `${cueLines(cue.speaker)}: ${cue.text}` : cue.text;
      return `${index + 1}\n${formatSubRipTime(cue.startSeconds)} --> ${formatSubRipTime(cue.endSeconds)}\n${text}\n`;
    })
    .join("\n");
}

/**
 * WebVTT with voice spans (`<v Ravi Kumar>`), so players can style or filter
 * by speaker; `&`, `<` and `>` are escaped as the format requires.
 */
export function toWebVtt(segments: readonly CueSegment[]): string {
  const cues = orderedCues(segments).map((cue, index) => {
    // A voice annotation ends at ">", so the name cannot carry one.
    const voice = escapeVtt(cue.speaker.replace(/>/g, ""));
    const text = escapeVtt(cue.text);
    const body = voice ? `<v ${voice}>${text}` : text;
    return `seg-${index + 1}\n${formatWebVttTime(cue.startSeconds)} --> ${formatWebVttTime(cue.endSeconds)}\n${body}\n`;
  });
  return ["WEBVTT\n", ...cues].join("\n");
}

/** `[00:01 - 00:04] Ravi Kumar: text` lines, hours shown once the call reaches an hour. */
export function toPlainTranscript(segments: readonly CueSegment[]): string {
  const cues = orderedCues(segments);
  const withHours = cues.some((cue) => cue.endSeconds >= 3600);
  const clock = (seconds: number) => {
    const hms = splitMilliseconds(Math.floor(Math.max(0, seconds))).hms;
    return withHours ? hms : hms.slice(3);
  };
  return cues
    .map(
      (cue) =>
        `[${clock(cue.startSeconds)} - ${clock(cue.endSeconds)}] ${cue.speaker ? `${cue.speaker}: ` : ""}${cue.text.replace(/\n/g, " ")}`,
    )
    .join("\n")
    .concat(cues.length > 0 ? "\n" : "");
}

/** Segments of a stored transcript document (schema v2), read defensively: it is passed through as stored. */
export function cueSegmentsOf(document: Record<string, unknown>): CueSegment[] {
  const segments = Array.isArray(document.segments) ? (document.segments as Array<Record<string, unknown>>) : [];
  const str = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : null);
  const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  return segments.map((segment) => ({
    startSeconds: num(segment.startSeconds),
    endSeconds: num(segment.endSeconds),
    speaker: str(segment.speakerDisplayName) ?? str(segment.speakerLabel) ?? str(segment.speaker) ?? "",
    text: typeof segment.text === "string" ? segment.text : "",
  }));
}
