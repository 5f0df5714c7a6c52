import { useInfiniteQuery } from "@tanstack/react-query";
import { type FormEvent, type ReactNode, useState } from "react";
import { formatClock, formatDateTime, humanize } from "../lib/format";
import { searchQuery } from "../lib/queries";
import { hrefOf } from "../lib/router";
import { apiErrorOf } from "../lib/trpc";

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };
const decodeEntities = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
/** A marked run, or text up to the next tag (a lone `<` cannot occur in escaped text, but is kept as text). */
const SNIPPET_PART = /<mark>(.*?)<\/mark>|[^<]+|</gs;

/**
 * A snippet (escaped text with `<mark>…</mark>`, docs/contract.md § Search) as React
 * nodes: only the marks become elements, everything else is text, never HTML.
 */
function Snippet({ html }: { html: string }) {
  const nodes: ReactNode[] = [];
  for (const part of html.matchAll(SNIPPET_PART)) {
    const [text, marked] = part;
    nodes.push(marked === undefined ? decodeEntities(text) : <mark key={part.index}>{decodeEntities(marked)}</mark>);
  }
  return <p className="search-snippet">{nodes}</p>;
}

/** The search box in the top bar: it opens the results page for what was typed. */
export function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (q.trim()) window.location.hash = hrefOf({ page: "search", q: q.trim() });
  };
  return (
    <search className="search-box">
      <form onSubmit={submit}>
        <label className="sr-only" htmlFor="search-input">
          Search calls
        </label>
        <input
          id="search-input"
          type="search"
          placeholder='Search calls ("phrase", prefix*)'
          value={q}
          onChange={(event) => setQ(event.target.value)}
        />
      </form>
    </search>
  );
}

export function SearchPage({ q }: { q: string }) {
  const search = useInfiniteQuery(searchQuery(q));
  const hits = search.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="page">
      <h1 className="page-title">Search</h1>
      <p className="muted">
        Results for <strong>{q}</strong>
      </p>
      {q.trim() === "" ? (
        <p className="empty">Type words to search for in the box above.</p>
      ) : search.isPending ? (
        <p className="muted">Searching…</p>
      ) : search.isError ? (
        <p className="form-error" role="alert">
          {apiErrorOf(search.error).message}
        </p>
      ) : hits.length === 0 ? (
        <p className="empty">No matches.</p>
      ) : (
        <ol className="search-results" aria-label="Search results">
          {hits.map((hit) => (
            <li
              key={`${hit.callId}:${hit.kind}:${hit.segmentId ?? hit.actionItemId ?? ""}`}
              className="panel search-hit"
              data-kind={hit.kind}
            >
              <a
                className="search-hit-link"
                href={hrefOf({ page: "call", callId: hit.callId, ...(hit.segmentId && { segmentId: hit.segmentId }) })}
              >
                <span className="search-hit-title">{hit.title || hit.contactName || "Untitled call"}</span>
                <span className="search-hit-kind">
                  {humanize(hit.kind)}
                  {hit.startSeconds !== null && ` at ${formatClock(hit.startSeconds)}`}
                </span>
                <time className="muted" dateTime={hit.createdAt}>
                  {formatDateTime(hit.createdAt)}
                </time>
              </a>
              <Snippet html={hit.snippet} />
            </li>
          ))}
        </ol>
      )}
      {search.hasNextPage && (
        <button
          type="button"
          className="button ghost"
          disabled={search.isFetchingNextPage}
          onClick={() => void search.fetchNextPage()}
        >
          {search.isFetchingNextPage ? "Loading…" : "More results"}
        </button>
      )}
    </div>
  );
}
