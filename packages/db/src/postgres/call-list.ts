import type pg from "pg";
import { callListSql } from "../call-list";
import type { CallListRow } from "../model";
import type { Store } from "../store";

/** "No cursor": a keyset position after every row. */
const LATEST = new Date("9999-12-31T23:59:59.999Z");

/** `calls.list` for the scale-out store: named prepared statements, rows straight from the driver. */
export function postgresCallList(pool: pg.Pool) {
  const plain = callListSql((n) => `$${n}`, false);
  const byStatus = callListSql((n) => `$${n}`, true);
  return async (userId: string, options: Parameters<Store["calls"]["list"]>[1]) => {
    const position = [options.after ? options.after.createdAt : LATEST, options.after ? options.after.id : ""];
    const query = options.status
      ? { name: "calls_list_by_status", text: byStatus, values: [userId, ...position, options.status, options.limit] }
      : { name: "calls_list", text: plain, values: [userId, ...position, options.limit] };
    return (await pool.query<CallListRow>(query)).rows;
  };
}
