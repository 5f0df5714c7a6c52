import type { AnalysisDocument } from "@scryon/analysis";
import type { ActionItem, User } from "@scryon/db";
import type { ApiDeps } from "../context";
import { toCallDetail } from "../serialize";
import { getAnalysis, getTranscript, requireCall } from "./calls";

/**
 * Exports for people rather than programs: the transcript as SubRip / WebVTT /
 * plain text, and a short digest of the analysis to paste into a messaging app.
 * The formatters are pure; the two service functions read through the same
 * ownership and status checks as the JSON endpoints.
 */

export const TRANSCRIPT_EXPORT_FORMATS = ["srt", "vtt", "text"] as const;
export type TranscriptExportFormat = (typeof TRANSCRIPT_EXPORT_FORMATS)[number];
export const DIGEST_FORMATS = ["markdown", "text"] as const;
export type DigestFormat = (typeof DIGEST_FORMATS)[number];

export const EXPORT_CONTENT_TYPES = {
  srt: "application/x-subrip; charset=utf-8",
  vtt: "text/vtt; charset=utf-8",
  text: "text/plain; charset=utf-8",
  markdown: "text/markdown; charset=utf-8",
} as const satisfies Record<TranscriptExportFormat | DigestFormat, string>;

export interface ExportedDocument {
  format: TranscriptExportFormat | DigestFormat;
  contentType: string;
  /** A suggested download name, e.g. `call-<id>.srt`. */
  fileName: string;
  content: string;
}

/** The parts of a transcript segment a subtitle cue needs. */
export interface CueSegment {
  startSeconds: number;
  endSeconds: number;
  /** The speaker's display name or label ("Ravi Kumar", "Speaker 2"). */
  speaker: string;
  text: string;
}

function splitMilliseconds(seconds: number) {
  const totalMs = Math.max(0, Math.round((Number.isFinite(seconds) ? seconds : 0) * 1000));
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return {
    hms: `${pad(Math.floor(totalMs / 3_600_000))}:${pad(Math.floor(totalMs / 60_000) % 60)}:${pad(Math.floor(totalMs / 1000) % 60)}`,
    ms: pad(totalMs % 1000, 3),
  };
}

/** `00:00:01,000` — SubRip uses a comma before the milliseconds. */
export function formatSubRipTime(seconds: number): string {
  const { hms, ms } = splitMilliseconds(seconds);
  return `${hms},${ms}`;
}

/** `00:00:01.000` — WebVTT uses a full stop; hours are always written. */
export function formatWebVttTime(seconds: number): string {
  const { hms, ms } = splitMilliseconds(seconds);
  return `${hms}.${ms}`;
}

/**
 * Cue text may span lines but must never contain a blank line (it ends the cue)
 * nor the timing arrow (it starts a new one).
 */
function cueLines(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => line.trim().replace(/-->/g, "->"))
    .filter((line) => line.length > 0)
    .join("\n");
}

const escapeVtt = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Cues in time order; a cue that would end before it starts ends where it starts. */
function orderedCues(segments: readonly CueSegment[]) {
  return segments
    .map((segment) => ({
      ...segment,
      text: cueLines(segment.text),
      speaker: segment.speaker.replace(/\s+/g, " ").trim(),
    }))
    .filter((segment) => segment.text.length > 0)
    .sort((a, b) => a.startSeconds - b.startSeconds)
    .map((segment) => ({ ...segment, endSeconds: Math.max(segment.endSeconds, segment.startSeconds) }));
}

/** SubRip: numbered cues, `Speaker: text`, blank-line separated, CRLF-free. */
export function toSubRip(segments: readonly CueSegment[]): string {
  return orderedCues(segments)
    .map((cue, index) => {
      const text = cue.speaker ? `${cueLines(cue.speaker)}: ${cue.text}` : cue.text;
      return `${index + 1}\n${formatSubRipTime(cue.startSeconds)} --> ${formatSubRipTime(cue.endSeconds)}\n${text}\n`;
    })
    .join("\n");
}

/**
 * WebVTT with voice spans (`<v Ravi Kumar>`), so players can style or filter
 * by speaker; `&`, `<` and `>` are escaped as the format requires.
 */
export function toWebVtt(segments: readonly CueSegment[]): string {
  const cues = orderedCues(segments).map((cue, index) => {
    // A voice annotation ends at ">", so the name cannot carry one.
    const voice = escapeVtt(cue.speaker.replace(/>/g, ""));
    const text = escapeVtt(cue.text);
    const body = voice ? `<v ${voice}>${text}` : text;
    return `seg-${index + 1}\n${formatWebVttTime(cue.startSeconds)} --> ${formatWebVttTime(cue.endSeconds)}\n${body}\n`;
  });
  return ["WEBVTT\n", ...cues].join("\n");
}

/** `[00:01 - 00:04] Ravi Kumar: text` lines, hours shown once the call reaches an hour. */
export function toPlainTranscript(segments: readonly CueSegment[]): string {
  const cues = orderedCues(segments);
  const withHours = cues.some((cue) => cue.endSeconds >= 3600);
  const clock = (seconds: number) => {
    const hms = splitMilliseconds(Math.floor(Math.max(0, seconds))).hms;
    return withHours ? hms : hms.slice(3);
  };
  return cues
    .map(
      (cue) =>
        `[${clock(cue.startSeconds)} - ${clock(cue.endSeconds)}] ${cue.speaker ? `${cue.speaker}: ` : ""}${cue.text.replace(/\n/g, " ")}`,
    )
    .join("\n")
    .concat(cues.length > 0 ? "\n" : "");
}

/** Segments of a stored transcript document (schema v2), read defensively: it is passed through as stored. */
export function cueSegmentsOf(document: Record<string, unknown>): CueSegment[] {
  const segments = Array.isArray(document.segments) ? (document.segments as Array<Record<string, unknown>>) : [];
  const str = (value: unknown) => (typeof value === "string" && value.trim() !== "" ? value : null);
  const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);
  return segments.map((segment) => ({
    startSeconds: num(segment.startSeconds),
    endSeconds: num(segment.endSeconds),
    speaker: str(segment.speakerDisplayName) ?? str(segment.speakerLabel) ?? str(segment.speaker) ?? "",
    text: typeof segment.text === "string" ? segment.text : "",
  }));
}

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

export async function exportTranscript(
  deps: ApiDeps,
  user: User,
  callId: string,
  format: TranscriptExportFormat,
): Promise<ExportedDocument> {
  const segments = cueSegmentsOf(await getTranscript(deps, user, callId));
  const content =
    format === "srt" ? toSubRip(segments) : format === "vtt" ? toWebVtt(segments) : toPlainTranscript(segments);
  return {
    format,
    contentType: EXPORT_CONTENT_TYPES[format],
    fileName: `call-${callId}.${format === "text" ? "txt" : format}`,
    content,
  };
}

export async function exportDigest(
  deps: ApiDeps,
  user: User,
  callId: string,
  format: DigestFormat,
): Promise<ExportedDocument> {
  const call = await requireCall(deps, user, callId);
  const analysis = (await getAnalysis(deps, user, callId)) as AnalysisDocument;
  const items = await deps.store.actionItems.listForCall(user.id, callId);
  const content = renderDigest(digestInputOf(toCallDetail(call), analysis, items), format);
  return {
    format,
    contentType: EXPORT_CONTENT_TYPES[format],
    fileName: `call-${callId}-digest.${format === "markdown" ? "md" : "txt"}`,
    content,
  };
}
