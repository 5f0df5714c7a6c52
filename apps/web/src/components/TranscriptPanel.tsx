import type { TranscriptDocument } from "@scryon/transcript";
import { useEffect } from "react";
import { formatClock, humanize } from "../lib/format";

/** Eight colours that stay distinct and readable on white; speakers take them in order. */
const SPEAKER_COLOURS = 8;

export function TranscriptPanel({
  transcript,
  highlightSegmentId,
}: {
  transcript: TranscriptDocument;
  /** A search hit's segment (`#/calls/<id>?segment=<segmentId>`): scrolled to and highlighted. */
  highlightSegmentId?: string | undefined;
}) {
  useEffect(() => {
    if (!highlightSegmentId) return;
    // After the page's own scroll-to-top on navigation, which runs later in the same commit.
    const frame = requestAnimationFrame(() =>
      document.getElementById(highlightSegmentId)?.scrollIntoView({ block: "center" }),
    );
    return () => cancelAnimationFrame(frame);
  }, [highlightSegmentId]);
  const colourOf = new Map(transcript.speakers.map((speaker, index) => [speaker.speakerId, index % SPEAKER_COLOURS]));
  return (
    <section className="panel transcript" aria-labelledby="transcript-heading">
      <h2 id="transcript-heading">Transcript</h2>
      <ul className="speakers" aria-label="Speakers">
        {transcript.speakers.map((speaker) => (
          <li key={speaker.speakerId} className={`speaker speaker-${colourOf.get(speaker.speakerId)}`}>
            <span className="speaker-dot" aria-hidden="true" />
            <span className="speaker-name">{speaker.label}</span>
            <span className="speaker-facts">
              {speaker.role !== "UNKNOWN" && <span>{speaker.role === "USER" ? "You" : "Contact"}</span>}
              <span title={speaker.roleSource ? `Decided by ${humanize(speaker.roleSource)}` : undefined}>
                {humanize(speaker.confidence)} confidence
              </span>
            </span>
          </li>
        ))}
      </ul>
      {transcript.segments.length === 0 ? (
        <p className="empty">No speech was found in this recording.</p>
      ) : (
        <ol className="segments">
          {transcript.segments.map((segment) => (
            <li
              key={segment.id}
              id={segment.id}
              className={`segment speaker-${colourOf.get(segment.speakerId) ?? 0}${segment.id === highlightSegmentId ? " highlighted" : ""}`}
              aria-current={segment.id === highlightSegmentId ? "true" : undefined}
            >
              <div className="segment-head">
                <span className="segment-speaker">{segment.speakerLabel}</span>
                <time className="segment-time" dateTime={`PT${Math.floor(segment.startSeconds)}S`}>
                  {formatClock(segment.startSeconds)}–{formatClock(segment.endSeconds)}
                </time>
                {segment.alignmentConfidence !== null && (
                  <span className="segment-confidence" title="How well the words line up with this speaker turn">
                    {Math.round(segment.alignmentConfidence * 100)}%
                  </span>
                )}
              </div>
              <p className="segment-text">{segment.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
