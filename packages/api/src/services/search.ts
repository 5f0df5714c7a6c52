import { createHash } from "node:crypto";
import {
  actionItemSearchDocument,
  callSearchDocuments,
  type SearchClause,
  type SearchHit,
  SNIPPET_END,
  SNIPPET_START,
  type User,
} from "@scryon/db";
import type { ApiDeps } from "../context";
import { rankedPage } from "../cursor";
import { errors } from "../errors";
import { isoSeconds } from "../serialize";
import { requireCall } from "./calls";

/** More clauses than this are ignored: a query is a few words, not a document. */
const MAX_CLAUSES = 16;
/** A quoted phrase (an unclosed quote runs to the end) with an optional `*`, or a run of anything else. */
const TOKEN = /"([^"]*)"?(\*?)|([^\s"]+)/gu;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
/** A word followed by `*` at the end: the last word is a prefix. */
const ENDS_IN_PREFIX = /[\p{L}\p{N}\p{M}]\*+\s*$/u;
/** FTS5's reserved words, written in capitals: operators elsewhere, ignored here. */
const OPERATOR_WORDS = new Set(["AND", "OR", "NOT", "NEAR"]);

/**
 * The user's query as clauses every hit must match (docs/contract.md § Search):
 * `"…"` is a phrase, a trailing `*` makes the last word a prefix, anything but
 * letters, marks and digits only separates words. No word at all is a 400.
 */
export function parseSearchQuery(q: string): SearchClause[] {
  const clauses: SearchClause[] = [];
  for (const [, phrase, star, bare] of q.normalize("NFC").matchAll(TOKEN)) {
    if (bare !== undefined && OPERATOR_WORDS.has(bare)) continue;
    const text = phrase ?? bare ?? "";
    const words = text.match(WORD) ?? [];
    if (words.length === 0) continue;
    clauses.push({ words, prefix: star === "*" || ENDS_IN_PREFIX.test(text) });
  }
  if (clauses.length === 0) throw errors.invalidSearchQuery();
  return clauses.slice(0, MAX_CLAUSES);
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The store's snippet as safe HTML: everything escaped, then the match markers as `<mark>` (docs/contract.md § Search). */
export function snippetHtml(snippet: string): string {
  const escaped = snippet.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
  let open = false;
  let html = "";
  for (const char of escaped) {
    if (char === SNIPPET_START) {
      if (!open) html += "<mark>";
      open = true;
    } else if (char === SNIPPET_END) {
      if (open) html += "</mark>";
      open = false;
    } else html += char;
  }
  return open ? `${html}</mark>` : html;
}

const toHitDto = (hit: SearchHit) => ({
  callId: hit.callId,
  kind: hit.kind,
  segmentId: hit.segmentId,
  speakerName: hit.speakerName,
  startSeconds: hit.startSeconds,
  actionItemId: hit.actionItemId,
  snippet: snippetHtml(hit.snippet),
  title: hit.title,
  contactName: hit.contactName,
  contactId: hit.contactId,
  createdAt: isoSeconds(hit.createdAt),
});

export async function searchCalls(
  deps: ApiDeps,
  user: User,
  input: {
    q?: string | undefined;
    limit: number;
    cursor?: string | undefined;
    from?: string | undefined;
    to?: string | undefined;
    contactId?: string | undefined;
  },
) {
  const clauses = parseSearchQuery(input.q ?? "");
  const from = input.from ? new Date(input.from) : null;
  const to = input.to ? new Date(input.to) : null;
  const contactId = input.contactId ?? null;
  // The cursor is bound to the query and the filters it was made for.
  const filter = createHash("sha256")
    .update(JSON.stringify([clauses, from?.getTime() ?? null, to?.getTime() ?? null, contactId]))
    .digest("base64url")
    .slice(0, 22);
  return rankedPage(
    { limit: input.limit, cursor: input.cursor, filter },
    ({ limit, after }) => deps.store.search.query(user.id, { clauses, limit, after, from, to, contactId }),
    toHitDto,
  );
}

/**
 * Rebuilds a call's search documents from what is stored: the (redacted) transcript
 * document, the analysis document and the action items. For features that rewrite
 * the stored transcript (speaker corrections); the pipeline indexes on its own.
 */
export async function reindexCall(deps: ApiDeps, user: User, callId: string): Promise<void> {
  await requireCall(deps, user, callId);
  const read = async (type: "NORMALIZED_TRANSCRIPT_JSON" | "ANALYSIS_JSON") => {
    const artifact = await deps.store.artifacts.get(callId, type);
    return artifact ? JSON.parse((await deps.storage.getBuffer(artifact.storageKey)).toString("utf8")) : null;
  };
  const [transcript, analysis, items] = await Promise.all([
    read("NORMALIZED_TRANSCRIPT_JSON"),
    read("ANALYSIS_JSON"),
    deps.store.actionItems.listForCall(user.id, callId),
  ]);
  await deps.store.search.replace(callId, callSearchDocuments(transcript, analysis, items));
}

/** After an action item is created, edited or deleted: only the call's action_item documents change. */
export async function reindexActionItems(deps: ApiDeps, user: User, callId: string): Promise<void> {
  const items = await deps.store.actionItems.listForCall(user.id, callId);
  await deps.store.search.replace(callId, items.map(actionItemSearchDocument), ["action_item"]);
}
