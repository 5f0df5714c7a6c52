import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { humanize } from "../lib/format";
import { actionsQuery } from "../lib/queries";
import { type ActionItemStatus, apiErrorOf } from "../lib/trpc";
import { ActionItemRow } from "./ActionItems";

const FILTERS: Array<ActionItemStatus | "ALL"> = ["OPEN", "DONE", "ALL"];

/** Every action item of the user, across calls, newest first. */
export function ActionsPage() {
  const [filter, setFilter] = useState<ActionItemStatus | "ALL">("OPEN");
  const actions = useInfiniteQuery(actionsQuery(filter));
  const items = actions.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="page">
      <h1 className="page-title">Action items</h1>
      <section className="panel" aria-labelledby="actions-heading">
        <div className="panel-head">
          <h2 id="actions-heading">{filter === "ALL" ? "All items" : `${humanize(filter)} items`}</h2>
          {/* biome-ignore lint/a11y/useSemanticElements: a toggle-button group, not a form field set */}
          <div className="segmented" role="group" aria-label="Show">
            {FILTERS.map((value) => (
              <button key={value} type="button" aria-pressed={filter === value} onClick={() => setFilter(value)}>
                {value === "ALL" ? "All" : humanize(value)}
              </button>
            ))}
          </div>
        </div>
        {actions.isPending ? (
          <p className="muted">Loading…</p>
        ) : actions.isError ? (
          <p className="form-error" role="alert">
            {apiErrorOf(actions.error).message}
          </p>
        ) : items.length === 0 ? (
          <p className="empty">Nothing here.</p>
        ) : (
          <ul className="action-list">
            {items.map((item) => (
              <ActionItemRow key={item.id} item={item} showCallLink />
            ))}
          </ul>
        )}
        {actions.hasNextPage && (
          <button
            type="button"
            className="button ghost load-more"
            onClick={() => void actions.fetchNextPage()}
            disabled={actions.isFetchingNextPage}
          >
            {actions.isFetchingNextPage ? "Loading…" : "Load more"}
          </button>
        )}
      </section>
    </div>
  );
}
