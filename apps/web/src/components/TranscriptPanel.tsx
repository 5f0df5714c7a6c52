import type { TranscriptDocument, TranscriptSpeaker } from "@scryon/transcript";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useEffect, useState } from "react";
import { formatClock, humanize } from "../lib/format";
import { keys } from "../lib/queries";
import { apiErrorOf, trpc } from "../lib/trpc";

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
            <SpeakerName callId={transcript.callId} speaker={speaker} />
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

/**
 * A speaker's name, renamed in place (docs/contract.md § Speaker corrections): click, edit, Enter or Save. The
 * transcript and the items' owners are refetched from the server once it has saved, so every view shows what
 * was stored; Escape or Cancel leaves the name as it was.
 */
function SpeakerName({ callId, speaker }: { callId: string; speaker: TranscriptSpeaker }) {
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState("");
  const rename = useMutation({
    mutationFn: (displayName: string | null) =>
      trpc.speakers.correct.mutate({ id: callId, speakerId: speaker.speakerId, displayName }),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.transcript(callId) }),
        queryClient.invalidateQueries({ queryKey: keys.callActions(callId) }),
        queryClient.invalidateQueries({ queryKey: keys.allActions }),
      ]);
      setEditing(false);
    },
  });

  const start = () => {
    rename.reset();
    setName(speaker.displayName ?? "");
    setEditing(true);
  };
  const save = (event: FormEvent) => {
    event.preventDefault();
    const displayName = name.replace(/\s+/g, " ").trim();
    if (displayName === (speaker.displayName ?? "")) return setEditing(false);
    rename.mutate(displayName === "" ? null : displayName);
  };

  if (!editing) {
    return (
      <button
        type="button"
        className="speaker-name speaker-rename"
        onClick={start}
        title="Rename this speaker"
        aria-label={`Rename ${speaker.label}`}
      >
        {speaker.label}
      </button>
    );
  }
  return (
    <form className="speaker-edit" onSubmit={save}>
      <input
        aria-label="Speaker name"
        value={name}
        maxLength={100}
        placeholder={speaker.label}
        disabled={rename.isPending}
        onChange={(event) => setName(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") setEditing(false);
        }}
        // biome-ignore lint/a11y/noAutofocus: the field appears because the user asked to edit it
        autoFocus
      />
      <button type="submit" className="button primary small" disabled={rename.isPending}>
        {rename.isPending ? "Saving…" : "Save"}
      </button>
      <button type="button" className="button ghost small" onClick={() => setEditing(false)}>
        Cancel
      </button>
      {rename.error && (
        <p className="form-error" role="alert">
          {correctionErrorOf(rename.error)}
        </p>
      )}
    </form>
  );
}

/** The field's own message for a refused name (a phone number, say), else the error's. */
function correctionErrorOf(error: unknown): string {
  const { message } = apiErrorOf(error);
  const data = (error as { data?: { error?: { details?: { fields?: Array<{ message?: string }> } } } }).data;
  return data?.error?.details?.fields?.[0]?.message ?? message;
}
