import type { ActionItem } from "./model";

/**
 * Full-text search over a user's calls (docs/contract.md § Search): the documents
 * both stores index and the dialect-neutral query they translate.
 */
export const SEARCH_KINDS = ["transcript", "summary", "action_item"] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** One indexed piece of a call: a transcript segment, the analysis summary or an action item. */
export interface SearchDocument {
  kind: SearchKind;
  /** The transcript segment (transcript documents only). */
  segmentId: string | null;
  /** Who speaks in the segment, as the transcript names them (transcript documents only). */
  speakerName: string | null;
  startSeconds: number | null;
  /** The action item (action_item documents only). */
  actionItemId: string | null;
  body: string;
}

/**
 * One clause of a query; every clause must match. `words` in order form a phrase
 * (one word is a phrase of one); `prefix` makes the last word match as a prefix.
 * Words hold only letters, marks and digits, so no dialect's operators can reach them.
 */
export interface SearchClause {
  words: string[];
  prefix: boolean;
}

/** Where a page of ranked hits ended: a lower score ranks higher; ties go by document id. */
export interface SearchPosition {
  score: number;
  id: number;
}

export interface SearchQuery {
  clauses: SearchClause[];
  limit: number;
  after: SearchPosition | null;
  /** On the call's createdAt: from inclusive, to exclusive. */
  from: Date | null;
  to: Date | null;
  /** Only calls grouped into this contact (`calls.contact_ref`). */
  contactId: string | null;
}

export interface SearchHit extends SearchPosition {
  callId: string;
  kind: SearchKind;
  segmentId: string | null;
  speakerName: string | null;
  startSeconds: number | null;
  actionItemId: string | null;
  /** The matching text around the hit, matched words between SNIPPET_START and SNIPPET_END; not escaped. */
  snippet: string;
  title: string | null;
  contactName: string | null;
  /** The contact the call is grouped into. */
  contactId: string | null;
  createdAt: Date;
}

/** Control characters mark a highlighted word in a snippet; they are stripped from every indexed body. */
export const SNIPPET_START = "\u0002";
export const SNIPPET_END = "\u0003";

/** Words of snippet context either side of a match. */
export const SNIPPET_WORDS = 12;

/** What both stores index for a body: NFC-normalised, without the snippet markers (or any other control character). */
export function indexableText(body: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the markers are control characters by design
  return body.normalize("NFC").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu, " ");
}

/** The parts of the stored documents search reads (the transcript document, the analysis document). */
interface IndexedTranscript {
  segments: ReadonlyArray<{
    id: string;
    startSeconds: number;
    text: string;
    speakerLabel?: string | undefined;
    speakerDisplayName?: string | null | undefined;
  }>;
}
interface IndexedAnalysis {
  oneLineSummary?: string | undefined;
  executiveSummary?: string | undefined;
}

/** An action item as indexed: its title and description. */
export function actionItemSearchDocument(item: Pick<ActionItem, "id" | "title" | "description">): SearchDocument {
  return {
    kind: "action_item",
    segmentId: null,
    speakerName: null,
    startSeconds: null,
    actionItemId: item.id,
    body: [item.title, item.description].filter(Boolean).join("\n"),
  };
}

/**
 * Everything search indexes for a call (docs/contract.md § Search): each stored
 * transcript segment (already redacted), the analysis summary, each action item.
 */
export function callSearchDocuments(
  transcript: IndexedTranscript | null,
  analysis: IndexedAnalysis | null,
  items: ReadonlyArray<Pick<ActionItem, "id" | "title" | "description">>,
): SearchDocument[] {
  const documents: SearchDocument[] = (transcript?.segments ?? []).map((segment) => ({
    kind: "transcript",
    segmentId: segment.id,
    speakerName: segment.speakerDisplayName ?? segment.speakerLabel ?? null,
    startSeconds: segment.startSeconds,
    actionItemId: null,
    body: segment.text,
  }));
  const summary = [
    ...new Set([analysis?.oneLineSummary, analysis?.executiveSummary].filter((s): s is string => !!s?.trim())),
  ];
  if (summary.length > 0)
    documents.push({
      kind: "summary",
      segmentId: null,
      speakerName: null,
      startSeconds: null,
      actionItemId: null,
      body: summary.join("\n"),
    });
  documents.push(...items.map(actionItemSearchDocument));
  return documents;
}
