import type { AnalysisDocument } from "./schema";
import type { AnalysisInput } from "./types";

const EMAIL = /[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,}/gi;

/** Email addresses spoken in the transcript, lower-cased. */
export function emailsIn(text: string): string[] {
  return [...text.matchAll(EMAIL)].map((m) => m[0].toLowerCase());
}

function digitsOnly(value: string): string {
  return value.replace(/\D/g, "");
}

/**
 * Enforces "nothing is invented" (docs/contract.md § Analysis document) on a document from any analyser:
 * every `sourceSegmentIds` list keeps only ids of real segments, and an email or phone
 * number in an action item's metadata survives only if the transcript contains it.
 */
export function groundDocument(doc: AnalysisDocument, input: AnalysisInput): AnalysisDocument {
  const segmentIds = new Set(input.segments.map((s) => s.id));
  const transcript = input.segments.map((s) => s.text).join("\n");
  const spokenEmails = new Set(emailsIn(transcript));
  const spokenDigits = digitsOnly(transcript);

  const grounded = filterSegmentIds(doc, segmentIds) as AnalysisDocument;
  for (const item of grounded.actionItems ?? []) {
    const meta = item.intentMetadata;
    if (!meta) continue;
    if (typeof meta.toEmail === "string" && !spokenEmails.has(meta.toEmail.toLowerCase())) meta.toEmail = null;
    if (typeof meta.phoneNumber === "string") {
      const digits = digitsOnly(meta.phoneNumber);
      if (digits.length === 0 || !spokenDigits.includes(digits)) meta.phoneNumber = null;
    }
    if (meta.attendees) {
      meta.attendees = meta.attendees.map((a) =>
        typeof a.email === "string" && !spokenEmails.has(a.email.toLowerCase()) ? { ...a, email: null } : a,
      );
    }
  }
  return grounded;
}

function filterSegmentIds(value: unknown, known: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => filterSegmentIds(v, known));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "sourceSegmentIds" && Array.isArray(child)) {
      out[key] = [...new Set(child.filter((id): id is string => typeof id === "string" && known.has(id)))];
    } else {
      out[key] = filterSegmentIds(child, known);
    }
  }
  return out;
}
