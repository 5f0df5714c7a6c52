/**
 * The call list page in two indexed statements, shared by both stores (and run
 * as-is by bench/read-paths.ts' same-SQL baseline): the page of calls by the
 * (user_id, created_at, id) index, then the live action items of just that
 * page's ids (action_items_call_idx), counted and ranked per call by window
 * functions — one row per call that has any. Before, two correlated subqueries
 * ran per row. PostgreSQL runs both as one statement (`joined`, one round trip);
 * SQLite plans that form worse (a materialised page and an automatic index per
 * run: slower than the correlated subqueries), so it runs the two. Dismissed
 * items are neither counted nor first (docs/contract.md § Calls).
 */
export const callListSql = {
  /**
   * Parameters, in order: user id, keyset position (created_at, id), [status], limit.
   * `placeholder(n)` writes the n-th (1-based) one in the dialect's syntax.
   */
  page: (placeholder: (n: number) => string, withStatus: boolean): string =>
    `select id, title, contact_name as "contactName", contact_ref as "contactRef", direction, status,
  duration_seconds as "durationSeconds", created_at as "createdAt"
from calls
where user_id = ${placeholder(1)} and (created_at, id) < (${placeholder(2)}, ${placeholder(3)})${withStatus ? ` and status = ${placeholder(4)}` : ""}
order by created_at desc, id desc
limit ${placeholder(withStatus ? 5 : 4)}`,
  /** The page joined with its live items' summary in one statement (parameters as `page`). */
  joined: (placeholder: (n: number) => string, withStatus: boolean): string =>
    `with page as (${callListSql.page(placeholder, withStatus)})
select page.*, coalesce(summary."actionItemCount", 0) as "actionItemCount", summary."firstActionTitle"
from page left join (${callListSql.liveItems("in (select id from page)")}) summary on summary."callId" = page.id
order by page."createdAt" desc, page.id desc`,
  /** `idIn`: the dialect's test of call_id against the page's ids, bound as one parameter. */
  liveItems: (idIn: string): string =>
    `select "callId", "firstActionTitle", "actionItemCount" from (
  select call_id as "callId", title as "firstActionTitle",
    cast(count(*) over (partition by call_id) as integer) as "actionItemCount",
    row_number() over (partition by call_id order by created_at, id) as position
  from action_items
  where call_id ${idIn} and status <> 'DISMISSED'
) ranked where position = 1`,
};

export interface ActionSummary {
  callId: string;
  firstActionTitle: string;
  actionItemCount: number;
}

/** The page with each call's action summary (none: 0 and null). */
export function withActionSummaries<T extends { id: string }>(page: T[], summaries: ActionSummary[]) {
  const byCall = new Map(summaries.map((summary) => [summary.callId, summary]));
  return page.map((call) => {
    const summary = byCall.get(call.id);
    return {
      ...call,
      actionItemCount: summary?.actionItemCount ?? 0,
      firstActionTitle: summary?.firstActionTitle ?? null,
    };
  });
}

/** The status poll: `idIn` tests id against the polled ids, bound as one parameter after the user id. */
export const callStatusesSql = (userParam: string, idIn: string) =>
  `select id, status from calls where user_id = ${userParam} and id ${idIn}`;
