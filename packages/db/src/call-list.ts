/**
 * The call list page in one statement, shared by both stores (and run as-is by
 * bench/read-paths.ts' same-SQL baseline): the page of calls by the
 * (user_id, created_at, id) index, then the page's live action items — one probe
 * of action_items_call_idx per call, counted and ranked by window functions —
 * joined on. Before, two correlated subqueries ran per row. Dismissed items are
 * neither counted nor first (docs/contract.md § Calls).
 *
 * Parameters, in order: user id, keyset position (created_at, id), [status], limit.
 * `placeholder(n)` writes the n-th (1-based) one in the dialect's syntax.
 */
export function callListSql(placeholder: (n: number) => string, withStatus: boolean): string {
  const limit = placeholder(withStatus ? 5 : 4);
  return `with page as (
  select id, title, contact_name, direction, status, duration_seconds, created_at
  from calls
  where user_id = ${placeholder(1)} and (created_at, id) < (${placeholder(2)}, ${placeholder(3)})${withStatus ? ` and status = ${placeholder(4)}` : ""}
  order by created_at desc, id desc
  limit ${limit}
), live as (
  select call_id, title,
    cast(count(*) over (partition by call_id) as integer) as item_count,
    row_number() over (partition by call_id order by created_at, id) as position
  from action_items
  where call_id in (select id from page) and status <> 'DISMISSED'
)
select page.id, page.title, page.contact_name as "contactName", page.direction, page.status,
  page.duration_seconds as "durationSeconds", page.created_at as "createdAt",
  coalesce(live.item_count, 0) as "actionItemCount", live.title as "firstActionTitle"
from page left join live on live.call_id = page.id and live.position = 1
order by page.created_at desc, page.id desc`;
}
