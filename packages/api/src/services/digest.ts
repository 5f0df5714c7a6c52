import type { AnalysisDocument } from "@scryon/analysis";
import type { ActionItem } from "@scryon/db";
import type { toCallDetail } from "../serialize";

/**
 * A short digest of a call's analysis to paste into a messaging app: the facts of
 * the call, its summary, action items, decisions and open questions.
 */

export const DIGEST_FORMATS = ["markdown", "text"] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export interface DigestInput {
  title: string | null;
  contactName: string | null;
  direction: string | null;
  recordedAt: string | null;
  durationSeconds: number | null;
  summary: string | null;
  details: string | null;
  actionItems: Array<{ title: string; owner: string | null; dueDate: string | null; done: boolean }>;
  decisions: string[];
  openQuestions: string[];
  sentiment: string | null;
  tone: string | null;
}

/** Characters that change CommonMark rendering; user text is shown literally. */
const escapeMarkdown = (text: string) => text.replace(/[\\`*_[\]<>#|~]/g, (char) => `\\${char}`);

function durationLabel(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  const minutes = Math.round(total / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/**
 * A short, skimmable digest. Markdown uses only what messaging apps render
 * (bold, lists, task boxes); the text variant uses bullets and capitals.
 */
export function renderDigest(input: DigestInput, format: DigestFormat): string {
  const md = format === "markdown";
  const esc = (text: string) => (md ? escapeMarkdown(oneLine(text)) : oneLine(text));
  const heading = (text: string) => (md ? `**${text}**` : text.toUpperCase());
  const lines: string[] = [];

  lines.push(md ? `**${esc(input.title ?? "Call")}**` : oneLine(input.title ?? "Call"));
  const facts = [
    input.contactName && esc(input.contactName),
    input.direction && input.direction !== "UNKNOWN" && (input.direction === "INCOMING" ? "Incoming" : "Outgoing"),
    input.recordedAt?.slice(0, 10),
    input.durationSeconds !== null && input.durationSeconds > 0 && durationLabel(input.durationSeconds),
  ].filter((fact): fact is string => typeof fact === "string" && fact.length > 0);
  if (facts.length > 0) lines.push(facts.join(" · "));

  const section = (title: string, body: string[]) => {
    if (body.length === 0) return;
    lines.push("", heading(title), ...body);
  };
  const bullet = md ? "- " : "• ";
  section(
    "Summary",
    [input.summary, input.details && input.details !== input.summary ? input.details : null]
      .filter((t): t is string => !!t)
      .map(esc),
  );
  section(
    "Action items",
    input.actionItems.map((item) => {
      const extra = [item.owner && esc(item.owner), item.dueDate && `due ${item.dueDate}`].filter(Boolean).join(", ");
      const box = md ? (item.done ? "- [x] " : "- [ ] ") : item.done ? "• (done) " : bullet;
      return `${box}${esc(item.title)}${extra ? ` (${extra})` : ""}`;
    }),
  );
  section(
    "Decisions",
    input.decisions.map((text) => bullet + esc(text)),
  );
  section(
    "Open questions",
    input.openQuestions.map((text) => bullet + esc(text)),
  );
  const mood = [
    input.sentiment && `Sentiment: ${esc(input.sentiment)}`,
    input.tone && `Tone: ${esc(input.tone)}`,
  ].filter(Boolean);
  if (mood.length > 0) lines.push("", mood.join(" · "));
  return `${lines.join("\n")}\n`;
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/** Picks the digest's facts from the call, its analysis (v3) and its current action items. */
export function digestInputOf(
  call: ReturnType<typeof toCallDetail>,
  analysis: AnalysisDocument,
  actionItems: readonly Pick<ActionItem, "title" | "ownerDisplayName" | "ownerSpeakerLabel" | "dueDate" | "status">[],
): DigestInput {
  const texts = (items: Array<{ text?: string | undefined }> | undefined) =>
    (items ?? []).map((item) => item.text?.trim() ?? "").filter((text) => text.length > 0);
  return {
    title: call.title ?? analysis.suggestedTitle ?? null,
    contactName: call.contactName ?? null,
    direction: call.direction ?? null,
    recordedAt: call.recordedAt ?? call.createdAt,
    durationSeconds: call.durationSeconds ?? null,
    summary: call.summary ?? analysis.oneLineSummary ?? null,
    details: analysis.executiveSummary ?? null,
    actionItems: actionItems
      .filter((item) => item.status !== "DISMISSED")
      .map((item) => ({
        title: item.title,
        owner: item.ownerDisplayName ?? item.ownerSpeakerLabel ?? null,
        dueDate: item.dueDate,
        done: item.status === "DONE",
      })),
    decisions: texts(analysis.decisions),
    openQuestions: texts(analysis.openQuestions),
    sentiment: analysis.sentiment?.overall ?? null,
    tone: analysis.tone?.overall ?? null,
  };
}
