import type Database from "better-sqlite3";
import {
  indexableText,
  SEARCH_KINDS,
  type SearchClause,
  type SearchHit,
  type SearchKind,
  SNIPPET_WORDS,
} from "../search-model";
import type { Store } from "../store";

/** An FTS5 MATCH expression: each clause a quoted string (no operator inside can count), ANDed. */
function toFts5Match(clauses: readonly SearchClause[]): string {
  return clauses
    .map((clause) => `"${clause.words.join(" ").replaceAll('"', '""')}"${clause.prefix ? "*" : ""}`)
    .join(" AND ");
}

interface HitRow {
  id: number;
  callId: string;
  kind: SearchKind;
  segmentId: string | null;
  speakerName: string | null;
  startSeconds: number | null;
  actionItemId: string | null;
  score: number;
  title: string | null;
  contactName: string | null;
  contactId: string | null;
  createdAt: number;
}

/**
 * Search in the embedded store: `search_documents` is the content table of the
 * external-content FTS5 index `search_fts`, kept equal to it by triggers (migration 0004).
 */
export function sqliteSearch(sqlite: Database.Database): Store["search"] {
  const removeKinds = sqlite.prepare(
    "delete from search_documents where call_id = ? and kind in (select value from json_each(?))",
  );
  // The owner comes from the call row; a call deleted meanwhile inserts nothing.
  const insert = sqlite.prepare(
    `insert into search_documents (call_id, user_id, kind, segment_id, speaker_name, start_seconds, action_item_id, body)
     select id, user_id, @kind, @segmentId, @speakerName, @startSeconds, @actionItemId, @body from calls where id = @callId`,
  );
  const replace = sqlite.transaction(
    (callId: string, documents: Parameters<Store["search"]["replace"]>[1], kinds: readonly SearchKind[]) => {
      removeKinds.run(callId, JSON.stringify(kinds));
      for (const doc of documents) {
        const body = indexableText(doc.body).trim();
        if (!kinds.includes(doc.kind) || body === "") continue;
        insert.run({ ...doc, callId, body });
      }
    },
  );
  // Ranked page first (bm25: lower is better), snippets only for the rows of the page.
  // The call is read only for the rows of the page, unless its createdAt or contact filters.
  const preparePage = (callFiltered: boolean) =>
    sqlite.prepare<Record<string, unknown>, HitRow>(
      `select p.id as id, p.call_id as callId, p.kind as kind, p.segment_id as segmentId,
              p.speaker_name as speakerName, p.start_seconds as startSeconds, p.action_item_id as actionItemId,
              p.score as score, c.title as title, c.contact_name as contactName, c.contact_ref as contactId,
              c.created_at as createdAt
       from (
         select * from (
           select d.id, d.call_id, d.kind, d.segment_id, d.speaker_name, d.start_seconds, d.action_item_id,
                  bm25(search_fts) as score
           from search_fts
           join search_documents d on d.id = search_fts.rowid
           where search_fts match @match and d.user_id = @userId
           ${
             callFiltered
               ? `and exists (select 1 from calls c where c.id = d.call_id
                    and (@from is null or c.created_at >= @from) and (@to is null or c.created_at < @to)
                    and (@contactId is null or c.contact_ref = @contactId))`
               : ""
           }
         )
         where @afterScore is null or score > @afterScore or (score = @afterScore and id > @afterId)
         order by score, id
         limit @limit
       ) p
       join calls c on c.id = p.call_id and c.user_id = @userId
       order by p.score, p.id`,
    );
  const page = preparePage(false);
  const pageWithin = preparePage(true);
  const snippets = sqlite.prepare<Record<string, unknown>, { id: number; snippet: string }>(
    `select rowid as id, snippet(search_fts, 0, char(2), char(3), '…', ${SNIPPET_WORDS}) as snippet
     from search_fts where search_fts match @match and rowid in (select value from json_each(@ids))`,
  );

  return {
    async replace(callId, documents, kinds = SEARCH_KINDS) {
      replace(callId, documents, kinds);
    },
    async query(userId, query) {
      const match = toFts5Match(query.clauses);
      const within = query.from !== null || query.to !== null || query.contactId !== null;
      const rows = (within ? pageWithin : page).all({
        match,
        userId,
        ...(within && {
          from: query.from?.getTime() ?? null,
          to: query.to?.getTime() ?? null,
          contactId: query.contactId,
        }),
        afterScore: query.after?.score ?? null,
        afterId: query.after?.id ?? null,
        limit: query.limit,
      });
      if (rows.length === 0) return [];
      const byId = new Map(
        snippets.all({ match, ids: JSON.stringify(rows.map((r) => r.id)) }).map((r) => [r.id, r.snippet]),
      );
      return rows.map(
        (row): SearchHit => ({ ...row, createdAt: new Date(row.createdAt), snippet: byId.get(row.id) ?? "" }),
      );
    },
  };
}
