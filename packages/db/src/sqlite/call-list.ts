import type Database from "better-sqlite3";
import { callListSql, callStatusesSql } from "../call-list";
import type { CallListRow, CallRecord } from "../model";
import type { Store } from "../store";

type PageRow = Omit<CallListRow, "createdAt"> & { createdAt: number };

/** `calls.list` for the embedded store: prepared once per filter shape, read straight from the driver. */
export function sqliteCallList(sqlite: Database.Database) {
  const plain = sqlite.prepare<unknown[], PageRow>(callListSql.page(() => "?", false));
  const byStatus = sqlite.prepare<unknown[], PageRow>(callListSql.page(() => "?", true));
  return (userId: string, options: Parameters<Store["calls"]["list"]>[1]): CallListRow[] => {
    // "No cursor" is a position after everything.
    const afterTime = options.after ? options.after.createdAt.getTime() : Number.MAX_SAFE_INTEGER;
    const afterId = options.after ? options.after.id : "";
    const page = options.status
      ? byStatus.all(userId, afterTime, afterId, options.status, options.limit)
      : plain.all(userId, afterTime, afterId, options.limit);
    return page.map((call) => ({ ...call, createdAt: new Date(call.createdAt) }));
  };
}

/** `calls.statuses` (the hottest query) as one prepared statement, the ids as a JSON array. */
export function sqliteCallStatuses(sqlite: Database.Database) {
  const statement = sqlite.prepare<[string, string], Pick<CallRecord, "id" | "status">>(
    callStatusesSql("in (select value from json_each(?))", "?"),
  );
  return (userId: string, ids: string[]) => statement.all(JSON.stringify(ids), userId);
}
