import type { AnalysisDocument } from "@scryon/analysis";
import type { User } from "@scryon/db";
import { cueSegmentsOf, type TranscriptExportFormat, toPlainTranscript, toSubRip, toWebVtt } from "@scryon/transcript";
import type { ApiDeps } from "../context";
import { toCallDetail } from "../serialize";
import { getAnalysis, getTranscript, requireCall } from "./calls";
import { type DigestFormat, digestInputOf, renderDigest } from "./digest";

/**
 * The export endpoints: the transcript as subtitles or text, and the analysis
 * digest. They read through the same ownership and status checks as the JSON
 * endpoints, then hand the documents to the pure formatters.
 */

const EXPORT_CONTENT_TYPES = {
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
