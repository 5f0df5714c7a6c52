import type { ListPosition } from "@scryon/db";
import { z } from "zod";
import { errors } from "./errors";

/**
 * Opaque keyset cursors: base64url JSON of the last row's (createdAt, id) and the
 * filter it was made for. Fully validated on the way in — a garbled or forged
 * cursor is a 400, and since every query is owner-scoped a valid-looking cursor
 * can only move within the caller's own rows.
 */
const cursorSchema = z.object({
  v: z.literal(1),
  t: z.number().int().min(0).max(8.64e15),
  i: z.uuid(),
  f: z.string().max(40).nullable(),
});

function encodeCursor(position: ListPosition, filter: string | null): string {
  return Buffer.from(JSON.stringify({ v: 1, t: position.createdAt.getTime(), i: position.id, f: filter })).toString(
    "base64url",
  );
}

/** The cursor's JSON, validated against `schema`; anything garbled, forged or oversized is a 400. */
function parseCursor<T>(cursor: string, schema: z.ZodType<T>): T {
  const invalid = () =>
    errors.validation("Invalid cursor", { fields: [{ path: "cursor", message: "invalid cursor" }] });
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid();
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw invalid();
  return result.data;
}

function decodeCursor(cursor: string | undefined, filter: string | null): ListPosition | null {
  if (cursor === undefined || cursor === "") return null;
  // A cursor made for another filter would silently skip or repeat rows.
  const data = parseCursor(
    cursor,
    cursorSchema.refine((c) => c.f === filter),
  );
  return { createdAt: new Date(data.t), id: data.i };
}

/**
 * One page from `fetchRows`: asks for one row more than the page holds (so no
 * count query is needed), and makes the next cursor from the page's last row.
 */
async function pageOf<After, Row, Item>(
  limit: number,
  after: After | null,
  fetchRows: (query: { limit: number; after: After | null }) => Promise<Row[]>,
  toItem: (row: Row) => Item,
  cursorOf: (last: Row) => string,
): Promise<{ items: Item[]; nextCursor?: string }> {
  const rows = await fetchRows({ limit: limit + 1, after });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > limit && last ? cursorOf(last) : undefined };
}

/** One keyset page of a newest-first list. */
export async function keysetPage<Row extends ListPosition & { id: string }, Item>(
  input: { limit: number; cursor?: string | undefined; filter: string | null },
  fetchRows: (query: { limit: number; after: ListPosition | null }) => Promise<Row[]>,
  toItem: (row: Row) => Item,
): Promise<{ items: Item[]; nextCursor?: string }> {
  return pageOf(input.limit, decodeCursor(input.cursor, input.filter), fetchRows, toItem, (last) =>
    encodeCursor({ createdAt: last.createdAt, id: last.id }, input.filter),
  );
}

/** A ranked cursor: the last hit's score and document id, and the query it was made for (a hash). */
const rankedCursorSchema = z.object({
  v: z.literal(1),
  s: z.number(),
  i: z.number().int().min(0),
  f: z.string().max(64),
});

/**
 * One page of ranked results (search), paged like keysetPage but on (score, id):
 * a cursor made for another query or filter is a 400.
 */
export async function rankedPage<Row extends { score: number; id: number }, Item>(
  input: { limit: number; cursor?: string | undefined; filter: string },
  fetchRows: (query: { limit: number; after: { score: number; id: number } | null }) => Promise<Row[]>,
  toItem: (row: Row) => Item,
): Promise<{ items: Item[]; nextCursor?: string }> {
  const parsed = input.cursor
    ? parseCursor(
        input.cursor,
        rankedCursorSchema.refine((c) => c.f === input.filter),
      )
    : null;
  return pageOf(input.limit, parsed && { score: parsed.s, id: parsed.i }, fetchRows, toItem, (last) =>
    Buffer.from(JSON.stringify({ v: 1, s: last.score, i: last.id, f: input.filter })).toString("base64url"),
  );
}
