import { useQuery } from "@tanstack/react-query";
import { formatDateTime, formatDuration, humanize } from "../lib/format";
import { analysisQuery, callQuery, transcriptQuery } from "../lib/queries";
import { hrefOf } from "../lib/router";
import { apiErrorOf } from "../lib/trpc";
import { ActionItemsPanel } from "./ActionItems";
import { AnalysisPanel } from "./AnalysisPanel";
import { EgressPanel } from "./EgressPanel";
import { StatusBadge } from "./StatusBadge";
import { TranscriptPanel } from "./TranscriptPanel";

export function CallPage({ callId, segmentId }: { callId: string; segmentId?: string | undefined }) {
  const call = useQuery(callQuery(callId));
  const completed = call.data?.status === "COMPLETED";
  // The router types both documents: the current version in full, or an older stored one (narrowed below).
  const transcript = useQuery({ ...transcriptQuery(callId), enabled: completed });
  const analysis = useQuery({ ...analysisQuery(callId), enabled: completed });
  const currentAnalysis = analysis.data?.schemaVersion === 3 ? analysis.data : undefined;

  if (call.isPending) return <p className="muted center">Loading call…</p>;
  if (call.isError) {
    const error = apiErrorOf(call.error);
    return (
      <div className="panel error-panel" role="alert">
        <h1>{error.code === "call_not_found" ? "Call not found" : "Could not load the call"}</h1>
        <p>{error.message}</p>
        <a href={hrefOf({ page: "calls" })}>Back to calls</a>
      </div>
    );
  }

  const detail = call.data;
  return (
    <div className="page">
      <a className="back" href={hrefOf({ page: "calls" })}>
        ← All calls
      </a>
      <header className="call-header">
        <div>
          <h1 className="page-title">{detail.title || currentAnalysis?.suggestedTitle || "Untitled call"}</h1>
          <p className="call-meta">
            {detail.contactId ? (
              <a href={hrefOf({ page: "contact", contactId: detail.contactId })}>
                {detail.contactName || "Contact"} — all calls
              </a>
            ) : (
              detail.contactName && <span>{detail.contactName}</span>
            )}
            {detail.organization && <span>{detail.organization}</span>}
            {detail.direction && detail.direction !== "UNKNOWN" && <span>{humanize(detail.direction)}</span>}
            <span>{formatDateTime(detail.recordedAt ?? detail.createdAt)}</span>
            {detail.durationSeconds !== undefined && <span>{formatDuration(detail.durationSeconds)}</span>}
          </p>
        </div>
        <StatusBadge status={detail.status} />
      </header>

      {detail.status === "FAILED" && (
        <div className="panel error-panel" role="alert">
          Processing failed: <code>{detail.errorReason ?? "unknown"}</code>
        </div>
      )}
      {!completed && detail.status !== "FAILED" && (
        <div className="panel processing">
          <span className="spinner" aria-hidden="true" /> This call is being processed. The page updates when it is
          done.
        </div>
      )}

      {completed && (
        <div className="call-grid">
          <div className="call-col">
            {analysis.isPending ? (
              <p className="muted">Loading analysis…</p>
            ) : analysis.isError ? (
              <p className="form-error">{apiErrorOf(analysis.error).message}</p>
            ) : analysis.data.schemaVersion === 3 ? (
              <AnalysisPanel analysis={analysis.data} />
            ) : (
              <OlderDocument what="analysis" version={analysis.data.schemaVersion} />
            )}
            <ActionItemsPanel callId={callId} />
            <EgressPanel callId={callId} />
          </div>
          <div className="call-col">
            {transcript.isPending ? (
              <p className="muted">Loading transcript…</p>
            ) : transcript.isError ? (
              <p className="form-error">{apiErrorOf(transcript.error).message}</p>
            ) : transcript.data.schemaVersion === 2 ? (
              <TranscriptPanel transcript={transcript.data} highlightSegmentId={segmentId} />
            ) : (
              <OlderDocument what="transcript" version={transcript.data.schemaVersion} />
            )}
          </div>
        </div>
      )}
    </div>
  );
}

/** A document stored under an older schema version: the dashboard renders only the current one. */
function OlderDocument({ what, version }: { what: string; version: number | undefined }) {
  return (
    <section className="panel">
      <p className="muted">
        This {what} was stored in an older format{version === undefined ? "" : ` (schema version ${version})`} that the
        dashboard does not display; it is still available from the API as stored.
      </p>
    </section>
  );
}
