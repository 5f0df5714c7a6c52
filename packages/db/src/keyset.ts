import { and, type Column, eq, lt, or, type SQL } from "drizzle-orm";
import type { ListPosition } from "./model";

/**
 * Keyset paging for lists ordered newest first, `(createdAt DESC, id DESC)`: the rows
 * after `position` are older, or as old with a smaller id. No position, no predicate.
 * One definition for both dialects (drizzle's operators are dialect-neutral).
 */
export function afterPosition(
  position: ListPosition | null | undefined,
  createdAt: Column,
  id: Column,
): SQL | undefined {
  if (!position) return undefined;
  return or(lt(createdAt, position.createdAt), and(eq(createdAt, position.createdAt), lt(id, position.id)));
}
