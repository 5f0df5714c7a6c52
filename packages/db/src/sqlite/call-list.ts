import type Database from "better-sqlite3";
import { callListSql } from "../call-list";
import type { CallListRow } from "../model";
import type { Store } from "../store";

type Row = Omit<CallListRow, "createdAt"> & { createdAt: number };

/** `calls.list` for the embedded store: prepared once per filter shape, read straight from the driver. */
export function sqliteCallList(sqlite: Database.Database) {
  const plain = sqlite.prepare<unknown[], Row>(callListSql(() => "?", false));
  const byStatus = sqlite.prepare<unknown[], Row>(callListSql(() => "?", true));
  return (userId: string, options: Parameters<Store["calls"]["list"]>[1]) => {
    // "No cursor" is a position after everything.
    const afterTime = options.after ? options.after.createdAt.getTime() : Number.MAX_SAFE_INTEGER;
    const afterId = options.after ? options.after.id : "";
    const rows = options.status
      ? byStatus.all(userId, afterTime, afterId, options.status, options.limit)
      : plain.all(userId, afterTime, afterId, options.limit);
    return rows.map((row): CallListRow => ({ ...row, createdAt: new Date(row.createdAt) }));
  };
}
