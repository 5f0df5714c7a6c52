import type { ActionItem, CallListRow, CallRecord, User } from "@scryon/db";
import type { z } from "zod";
import {
  type actionItemSchema,
  type callDetailSchema,
  type callListItemSchema,
  type SourceText,
  sourceTextSchema,
  type userSchema,
} from "./schemas";

/** ISO-8601 UTC at second precision, as in the contract's examples. */
export const isoSeconds = (date: Date): string => `${date.toISOString().slice(0, 19)}Z`;

/** Omit absent values (docs/contract.md § Conventions: "a field with no meaningful value is omitted"). */
export const present = <T>(value: T | null | undefined): T | undefined =>
  value === null || value === "" ? undefined : value;

export function toCallDetail(call: CallRecord): z.infer<typeof callDetailSchema> {
  return {
    callId: call.id,
    contactId: present(call.contactRef),
    title: present(call.title),
    status: call.status,
    direction: present(call.direction),
    contactName: present(call.contactName),
    phoneNumber: present(call.phoneNumber),
    organization: present(call.organization),
    durationSeconds: present(call.durationSeconds),
    recordedAt: call.recordedAt ? isoSeconds(call.recordedAt) : undefined,
    createdAt: isoSeconds(call.createdAt),
    summary: present(call.summaryOverride ?? call.analysisSummary),
    notes: present(call.notes),
    errorReason: call.errorReason,
    retryingUntil:
      call.retryingUntil && call.status !== "COMPLETED" && call.status !== "FAILED"
        ? isoSeconds(call.retryingUntil)
        : undefined,
    language: present(call.language),
    vocabulary: call.vocabulary.length > 0 ? call.vocabulary : undefined,
  };
}

export function toCallListItem(call: CallListRow): z.infer<typeof callListItemSchema> {
  return {
    callId: call.id,
    contactId: present(call.contactRef),
    title: present(call.title),
    contactName: present(call.contactName),
    direction: present(call.direction),
    status: call.status,
    durationSeconds: present(call.durationSeconds),
    createdAt: isoSeconds(call.createdAt),
    actionItemCount: call.actionItemCount,
    firstActionTitle: call.firstActionTitle,
  };
}

/**
 * `source_text` as stored: the JSON text the pipeline writes ({priority, segmentIds, excerpt}), null for
 * manual items, or — on rows written by hand or by older builds — free text, served as the excerpt.
 */
export function parseSourceText(raw: string | null, segmentIds: readonly string[]): SourceText | null {
  if (raw === null) return null;
  try {
    const parsed = sourceTextSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // Not JSON: free text from an older row.
  }
  return { priority: null, segmentIds: [...segmentIds], excerpt: raw === "" ? null : raw };
}

export function toActionItemDto(item: ActionItem): z.infer<typeof actionItemSchema> {
  return {
    id: item.id,
    callRecordId: item.callId,
    title: item.title,
    description: item.description,
    dueDate: item.dueDate,
    status: item.status,
    priority: item.priority,
    source: item.source,
    sourceText: parseSourceText(item.sourceText, item.sourceSegmentIds),
    ownerSpeakerId: item.ownerSpeakerId,
    ownerSpeakerLabel: item.ownerSpeakerLabel,
    ownerDisplayName: item.ownerDisplayName,
    ownerRole: item.ownerRole,
    sourceSegmentIds: item.sourceSegmentIds,
    intent: item.intent,
    intentMetadata: item.intentMetadata,
    createdAt: isoSeconds(item.createdAt),
    updatedAt: isoSeconds(item.updatedAt),
  };
}

export function toUserDto(user: User, defaultRetentionDays: number | null): z.infer<typeof userSchema> {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    retentionDays: user.retentionDays,
    effectiveRetentionDays: user.retentionDays ?? defaultRetentionDays,
    createdAt: isoSeconds(user.createdAt),
  };
}
