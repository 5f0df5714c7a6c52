import { useInfiniteQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { formatDateTime, formatDuration, humanize } from "../lib/format";
import { callsQuery } from "../lib/queries";
import { hrefOf } from "../lib/router";
import { apiErrorOf } from "../lib/trpc";
import { StatusBadge } from "./StatusBadge";
import { UploadForm } from "./UploadForm";

export function CallsPage() {
  const calls = useInfiniteQuery(callsQuery());
  const items = calls.data?.pages.flatMap((page) => page.items) ?? [];

  // Infinite scroll: load the next page when the sentinel under the list comes into view.
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = calls;
  useEffect(() => {
    const element = sentinel.current;
    if (!element || !hasNextPage) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((entry) => entry.isIntersecting) && !isFetchingNextPage) void fetchNextPage();
      },
      { rootMargin: "400px" },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <div className="page">
      <h1 className="page-title">Calls</h1>
      <UploadForm />
      <section aria-labelledby="calls-heading" className="panel">
        <h2 id="calls-heading">Recent calls</h2>
        {calls.isPending ? (
          <p className="muted">Loading calls…</p>
        ) : calls.isError ? (
          <p role="alert" className="form-error">
            {apiErrorOf(calls.error).message}
          </p>
        ) : items.length === 0 ? (
          <p className="empty">No calls yet. Upload a recording to get a transcript, an analysis and action items.</p>
        ) : (
          <ul className="call-list" aria-busy={calls.isFetching}>
            {items.map((call) => (
              <li key={call.callId} className="call-row" data-call-id={call.callId}>
                <a href={hrefOf({ page: "call", callId: call.callId })} className="call-link">
                  <span className="call-main">
                    <span className="call-title">{call.title || call.contactName || "Untitled call"}</span>
                    <span className="call-meta">
                      {call.contactName && <span>{call.contactName}</span>}
                      {call.direction && call.direction !== "UNKNOWN" && <span>{humanize(call.direction)}</span>}
                      <span>{formatDateTime(call.createdAt)}</span>
                      {call.durationSeconds !== undefined && <span>{formatDuration(call.durationSeconds)}</span>}
                    </span>
                    {call.firstActionTitle && (
                      <span className="call-action">
                        Next: {call.firstActionTitle}
                        {call.actionItemCount > 1 && ` (+${call.actionItemCount - 1} more)`}
                      </span>
                    )}
                  </span>
                  <StatusBadge status={call.status} />
                </a>
              </li>
            ))}
          </ul>
        )}
        <div ref={sentinel} />
        {hasNextPage && (
          <button
            type="button"
            className="button ghost load-more"
            onClick={() => void fetchNextPage()}
            disabled={isFetchingNextPage}
          >
            {isFetchingNextPage ? "Loading…" : "Load more calls"}
          </button>
        )}
      </section>
    </div>
  );
}
