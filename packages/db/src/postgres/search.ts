import { type SQL, sql } from "drizzle-orm";
import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import {
  indexableText,
  SEARCH_KINDS,
  type SearchClause,
  type SearchHit,
  type SearchKind,
  SNIPPET_WORDS,
} from "../search-model";
import type { Store } from "../store";

/**
 * The tsquery of a query: whole words and phrases through websearch_to_tsquery (each
 * clause quoted, so "or" or "-" stay words), prefix clauses through to_tsquery with
 * `:*` on the last word. Words hold only letters, marks and digits, so quoting them
 * as lexemes is safe.
 */
function toTsQuery(clauses: readonly SearchClause[]): SQL {
  const parts: SQL[] = [];
  const whole = clauses.filter((c) => !c.prefix);
  if (whole.length > 0) {
    const text = whole.map((c) => `"${c.words.join(" ")}"`).join(" ");
    parts.push(sql`websearch_to_tsquery('simple', ${text})`);
  }
  for (const clause of clauses.filter((c) => c.prefix)) {
    const text = `${clause.words.map((w) => `'${w}'`).join(" <-> ")}:*`;
    parts.push(sql`to_tsquery('simple', ${text})`);
  }
  // Parenthesised: `@@` binds tighter than `&&`, so `tsv @@ a && b` would AND a boolean with a tsquery.
  return sql`(${sql.join(parts, sql` && `)})`;
}

const HEADLINE_OPTIONS = `StartSel=\u0002, StopSel=\u0003, MaxWords=${2 * SNIPPET_WORDS}, MinWords=${SNIPPET_WORDS}, ShortWord=0`;

/**
 * Search in the scale-out store: `search_documents.body_tsv` is a generated
 * tsvector with a GIN index (migration 0004); ts_rank orders, ts_headline marks.
 */
export function postgresSearch(db: NodePgDatabase<Record<string, unknown>>): Store["search"] {
  return {
    async replace(callId, documents, kinds = SEARCH_KINDS) {
      const rows = documents
        .filter((doc) => kinds.includes(doc.kind))
        .map((doc) => ({ ...doc, body: indexableText(doc.body).trim() }))
        .filter((doc) => doc.body !== "");
      await db.transaction(async (tx) => {
        // Locks the call row: concurrent re-indexes of one call apply one after the other.
        const owner = await tx.execute<{ user_id: string }>(
          sql`select user_id from calls where id = ${callId} for update`,
        );
        const userId = owner.rows[0]?.user_id;
        await tx.execute(
          sql`delete from search_documents where call_id = ${callId} and kind = any(${sql.param([...kinds])}::text[])`,
        );
        if (!userId || rows.length === 0) return;
        const values = rows.map(
          (doc) =>
            sql`(${callId}, ${userId}, ${doc.kind}, ${doc.segmentId}, ${doc.speakerName}, ${doc.startSeconds}, ${doc.actionItemId}, ${doc.body})`,
        );
        await tx.execute(
          sql`insert into search_documents (call_id, user_id, kind, segment_id, speaker_name, start_seconds, action_item_id, body) values ${sql.join(values, sql`, `)}`,
        );
      });
    },
    async query(userId, query) {
      const tsquery = toTsQuery(query.clauses);
      const after = query.after
        ? sql`where score > ${query.after.score}::float8 or (score = ${query.after.score}::float8 and id > ${query.after.id})`
        : sql``;
      // The call is read only for the rows of the page, unless its createdAt or contact filters.
      const createdWithin =
        query.from || query.to || query.contactId
          ? sql`and exists (select 1 from calls c where c.id = d.call_id
                  and (${query.from}::timestamptz is null or c.created_at >= ${query.from}::timestamptz)
                  and (${query.to}::timestamptz is null or c.created_at < ${query.to}::timestamptz)
                  and (${query.contactId}::text is null or c.contact_ref = ${query.contactId}::text))`
          : sql``;
      // Ranked page first (score = −ts_rank, lower is better), headlines only for the rows of the page.
      const result = await db.execute<{
        id: string;
        call_id: string;
        kind: SearchKind;
        segment_id: string | null;
        speaker_name: string | null;
        start_seconds: number | null;
        action_item_id: string | null;
        score: number;
        title: string | null;
        contact_name: string | null;
        contact_ref: string | null;
        created_at: Date;
        snippet: string;
      }>(sql`
        with page as (
          select * from (
            select d.id, d.call_id, d.kind, d.segment_id, d.speaker_name, d.start_seconds, d.action_item_id, d.body,
                   (-ts_rank(d.body_tsv, ${tsquery}))::float8 as score
            from search_documents d
            where d.body_tsv @@ ${tsquery} and d.user_id = ${userId} ${createdWithin}
          ) ranked
          ${after}
          order by score, id
          limit ${query.limit}
        )
        select page.id, page.call_id, page.kind, page.segment_id, page.speaker_name, page.start_seconds,
               page.action_item_id, page.score, c.title, c.contact_name, c.contact_ref, c.created_at,
               ts_headline('simple', page.body, ${tsquery}, ${HEADLINE_OPTIONS}) as snippet
        from page join calls c on c.id = page.call_id and c.user_id = ${userId}
        order by page.score, page.id`);
      return result.rows.map(
        (row): SearchHit => ({
          id: Number(row.id),
          callId: row.call_id,
          kind: row.kind,
          segmentId: row.segment_id,
          speakerName: row.speaker_name,
          startSeconds: row.start_seconds,
          actionItemId: row.action_item_id,
          score: row.score,
          title: row.title,
          contactName: row.contact_name,
          contactId: row.contact_ref,
          createdAt: new Date(row.created_at),
          snippet: row.snippet,
        }),
      );
    },
  };
}
