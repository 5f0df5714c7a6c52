import type pg from "pg";
import { callListSql, callStatusesSql } from "../call-list";
import type { CallListRow, CallRecord } from "../model";
import type { Store } from "../store";

/** "No cursor": a keyset position after every row. */
const LATEST = new Date("9999-12-31T23:59:59.999Z");

/** `calls.list` for the scale-out store: one named prepared statement per filter shape, rows straight from the driver. */
export function postgresCallList(pool: pg.Pool) {
  const plain = callListSql.page((n) => `$${n}`, false);
  const byStatus = callListSql.page((n) => `$${n}`, true);
  return async (userId: string, options: Parameters<Store["calls"]["list"]>[1]): Promise<CallListRow[]> => {
    const position = [options.after ? options.after.createdAt : LATEST, options.after ? options.after.id : ""];
    const query = options.status
      ? { name: "calls_list_by_status", text: byStatus, values: [userId, ...position, options.status, options.limit] }
      : { name: "calls_list", text: plain, values: [userId, ...position, options.limit] };
    return (await pool.query<CallListRow>(query)).rows;
  };
}

/** `calls.statuses` (the hottest query) as one named prepared statement. */
export function postgresCallStatuses(pool: pg.Pool) {
  const text = callStatusesSql("= any($1::text[])", "$2");
  return async (userId: string, ids: string[]) =>
    (await pool.query<Pick<CallRecord, "id" | "status">>({ name: "calls_statuses", text, values: [ids, userId] })).rows;
}
