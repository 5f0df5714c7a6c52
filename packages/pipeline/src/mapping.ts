import { randomUUID } from "node:crypto";
import type { ActionItem as AnalysisActionItem, AnalysisInput } from "@scryon/analysis";
import type { CallRecord, NewActionItem, Priority } from "@scryon/db";
import type { TranscriptDocument } from "@scryon/transcript";

/** The analyser's view of a call: the transcript plus the call facts it may use. */
export function toAnalysisInput(
  call: CallRecord,
  transcript: TranscriptDocument,
  userDisplayName: string | null = null,
): AnalysisInput {
  const people = [userDisplayName, call.contactName].filter((name): name is string => !!name);
  return {
    names: { people, organizations: call.organization ? [call.organization] : [] },
    callId: call.id,
    language: transcript.language,
    durationSeconds: transcript.durationSeconds,
    recordedAt: call.recordedAt?.toISOString() ?? null,
    createdAt: call.createdAt.toISOString(),
    direction: call.direction,
    speakers: transcript.speakers.map((s) => ({
      speakerId: s.speakerId,
      label: s.label,
      displayName: s.displayName ?? null,
      role: s.role,
    })),
    segments: transcript.segments.map((segment) => ({
      id: segment.id,
      speakerId: segment.speakerId,
      speakerLabel: segment.speakerLabel,
      speakerDisplayName: segment.speakerDisplayName ?? null,
      role: segment.role,
      startSeconds: segment.startSeconds,
      endSeconds: segment.endSeconds,
      text: segment.text,
    })),
  };
}

const PRIORITY: Record<string, Priority> = { low: "LOW", medium: "MEDIUM", high: "HIGH" };
const EXCERPT_CHARS = 160;

/**
 * Analysis action items → action_items rows (source AI), with the forensic `sourceText` stored as JSON text
 * and served as an object `{priority, segmentIds, excerpt}` (docs/contract.md § Analysis document).
 */
export function toActionItemRows(
  call: CallRecord,
  items: readonly AnalysisActionItem[],
  transcript?: TranscriptDocument,
): NewActionItem[] {
  const textById = new Map(transcript?.segments.map((s) => [s.id, s.text]) ?? []);
  return items
    .filter((item) => typeof item.title === "string" && item.title.trim() !== "")
    .map((item) => {
      const segmentIds = item.sourceSegmentIds ?? [];
      const excerpt = segmentIds
        .map((id) => textById.get(id))
        .filter(Boolean)
        .join(" ")
        .slice(0, EXCERPT_CHARS);
      const priority = PRIORITY[item.priority ?? "medium"] ?? "MEDIUM";
      return {
        id: randomUUID(),
        callId: call.id,
        userId: call.userId,
        title: item.title!.trim(),
        description: item.description ?? null,
        dueDate: item.dueDate ?? null,
        status: "OPEN" as const,
        priority,
        source: "AI" as const,
        sourceText: JSON.stringify({ priority: item.priority ?? null, segmentIds, excerpt: excerpt || null }),
        ownerSpeakerId: item.ownerSpeakerId ?? null,
        ownerSpeakerLabel: item.ownerSpeakerLabel ?? null,
        ownerDisplayName: item.ownerDisplayName ?? null,
        ownerRole: item.ownerRole ?? null,
        sourceSegmentIds: segmentIds,
        intent: item.intent ?? null,
        intentMetadata: (item.intentMetadata as Record<string, unknown> | null | undefined) ?? null,
      };
    });
}
