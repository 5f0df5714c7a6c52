/** The fields of a segment the clean text shows. */
export interface CleanTextSegment {
  startSeconds: number;
  endSeconds: number;
  speakerLabel: string;
  text: string;
}

const SECONDS_PER_HOUR = 3600;

/**
 * One `[MM:SS - MM:SS] Name: text` line per segment. Once any timestamp reaches an
 * hour every line switches to `HH:MM:SS`, so all lines share one format.
 */
export function formatCleanText(segments: readonly CleanTextSegment[]): string {
  const withHours = segments.some((segment) => Math.max(segment.startSeconds, segment.endSeconds) >= SECONDS_PER_HOUR);
  return segments
    .map(
      (segment) =>
        `[${formatTimestamp(segment.startSeconds, withHours)} - ${formatTimestamp(segment.endSeconds, withHours)}] ` +
        `${segment.speakerLabel}: ${segment.text}`,
    )
    .join("\n");
}

/** Whole seconds, rounded down: a line never claims to start later than its words. */
function formatTimestamp(seconds: number, withHours: boolean): string {
  const total = Math.max(0, Math.floor(seconds));
  const hours = Math.floor(total / SECONDS_PER_HOUR);
  const minutes = Math.floor((total % SECONDS_PER_HOUR) / 60);
  const secs = total % 60;
  const pad = (value: number): string => String(value).padStart(2, "0");
  return withHours ? `${pad(hours)}:${pad(minutes)}:${pad(secs)}` : `${pad(minutes)}:${pad(secs)}`;
}
