/**
 * The call list page and the status poll, shared by both stores (and run as-is
 * by bench/read-paths.ts' same-SQL baseline). The page is one range scan of the
 * (user_id, created_at, id) index: each call row carries its live action items'
 * count and oldest title, kept by triggers on action_items (migration 0008,
 * docs/architecture.md § The call list), so no item is read per page. Dismissed
 * items are neither counted nor first (docs/contract.md § Calls).
 */
export const callListSql = {
  /**
   * Parameters, in order: user id, keyset position (created_at, id), [status], limit.
   * `placeholder(n)` writes the n-th (1-based) one in the dialect's syntax.
   */
  page: (placeholder: (n: number) => string, withStatus: boolean): string =>
    `select id, title, contact_name as "contactName", contact_ref as "contactRef", direction, status,
  duration_seconds as "durationSeconds", created_at as "createdAt",
  action_item_count as "actionItemCount", first_action_title as "firstActionTitle"
from calls
where user_id = ${placeholder(1)} and (created_at, id) < (${placeholder(2)}, ${placeholder(3)})${withStatus ? ` and status = ${placeholder(4)}` : ""}
order by created_at desc, id desc
limit ${placeholder(withStatus ? 5 : 4)}`,
};

/**
 * The status poll: the polled ids (`idIn` tests id against them, bound as the first parameter) looked up by
 * primary key, then kept when the user (the second parameter) owns them. The lookup is a materialised CTE so
 * that no plan can start from the user's index instead: PostgreSQL's generic plan for a prepared statement
 * (used after five runs) did, scanning all of a heavy user's calls (14 ms at 10,000 calls, against 0.9 ms).
 */
export const callStatusesSql = (idIn: string, userParam: string) =>
  `with polled as materialized (select id, status, user_id from calls where id ${idIn})
select id, status from polled where user_id = ${userParam}`;
