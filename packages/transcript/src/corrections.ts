import { formatCleanText } from "./format";
import { parsePersonName, phoneLastFour } from "./names";
import type { SpeakerRole, TranscriptDocument, TranscriptSpeaker } from "./schema";

/**
 * A speaker identity the user pinned (docs/contract.md § Speaker corrections): the whole identity, role and name,
 * so applying it again after a re-run of speaker resolution gives the same speaker whatever the rules decided.
 */
export interface SpeakerCorrection {
  speakerId: string;
  /** null: no name; the label falls back to "You", "Contact" or "Speaker N" by role. */
  displayName: string | null;
  role: SpeakerRole;
}

/** What the user asked for one speaker: either field, or both. `displayName: null` clears the name. */
export interface SpeakerCorrectionPatch {
  displayName?: string | null | undefined;
  role?: SpeakerRole | undefined;
}

/** The names the call knows for each party, for a speaker moved to a role without a name given. */
export interface CorrectionContext {
  userDisplayName?: string | null;
  contactName?: string | null;
  phoneNumber?: string | null;
}

/**
 * Whether a name the user typed may become a label: not a phone number or an e-mail address, by the rule the
 * resolution applies to address-book names (docs/contract.md § Privacy rules: a transcript never holds a full number).
 */
export function isAcceptableSpeakerName(name: string): boolean {
  return parsePersonName(name) !== null;
}

/**
 * The corrections one request makes (docs/contract.md § Speaker corrections): the speaker itself, and, when its role
 * moves, the speakers that lose that role. In a two-speaker call the other speaker takes the remaining role (a
 * swap); with three or more, a speaker that held the role becomes UNKNOWN. Names follow roles: a speaker moved
 * without a name given takes the name of its new role (the previous holder's, else the call's name for that party).
 * Throws when the speaker is not in `speakers`.
 */
export function planSpeakerCorrection(
  speakers: readonly TranscriptSpeaker[],
  speakerId: string,
  patch: SpeakerCorrectionPatch,
  context: CorrectionContext,
): SpeakerCorrection[] {
  const target = speakers.find((speaker) => speaker.speakerId === speakerId);
  if (!target) throw new Error(`unknown speaker ${speakerId}`);
  const role = patch.role ?? target.role;
  const others = speakers.filter((speaker) => speaker.speakerId !== speakerId);
  const nameOfRole = (wanted: SpeakerRole): string | null => {
    if (wanted === "UNKNOWN") return null;
    const holder = others.find((speaker) => speaker.role === wanted);
    if (holder) return holder.displayName;
    return contextName(wanted, context);
  };
  const displayName =
    patch.displayName !== undefined
      ? tidy(patch.displayName)
      : role === target.role
        ? target.displayName
        : nameOfRole(role);
  const corrections: SpeakerCorrection[] = [{ speakerId, displayName, role }];
  if (role === target.role || role === "UNKNOWN") return corrections;

  if (others.length === 1) {
    const other = others[0]!;
    const remaining: SpeakerRole = role === "USER" ? "CONTACT" : "USER";
    if (other.role !== remaining) {
      // A swap hands over the moved speaker's old name; otherwise the call's name for the remaining party.
      const otherName = target.role === remaining ? target.displayName : contextName(remaining, context);
      corrections.push({ speakerId: other.speakerId, displayName: otherName, role: remaining });
    }
    return corrections;
  }
  for (const other of others) {
    if (other.role === role) corrections.push({ speakerId: other.speakerId, displayName: null, role: "UNKNOWN" });
  }
  return corrections;
}

/**
 * The document with the corrections applied to its speakers, its segments' speaker fields and its clean text
 * (`labelSource: "USER_CORRECTION"`, confidence HIGH). Corrections of speakers the document does not have are
 * ignored; without any that apply, the document is returned as it is.
 */
export function applySpeakerCorrections(
  document: TranscriptDocument,
  corrections: readonly SpeakerCorrection[],
): TranscriptDocument {
  const bySpeaker = new Map(corrections.map((correction) => [correction.speakerId, correction]));
  if (!document.speakers.some((speaker) => bySpeaker.has(speaker.speakerId))) return document;
  const speakers = document.speakers.map((speaker): TranscriptSpeaker => {
    const correction = bySpeaker.get(speaker.speakerId);
    if (!correction) return speaker;
    return {
      ...speaker,
      label: correction.displayName ?? roleLabel(correction.role, speaker.speakerId),
      displayName: correction.displayName,
      role: correction.role,
      confidence: "HIGH",
      labelSource: "USER_CORRECTION",
      roleSource: correction.role === "UNKNOWN" ? null : "USER_CORRECTION",
    };
  });
  const byId = new Map(speakers.map((speaker) => [speaker.speakerId, speaker]));
  const segments = document.segments.map((segment) => {
    if (!bySpeaker.has(segment.speakerId)) return segment;
    const speaker = byId.get(segment.speakerId)!;
    return {
      ...segment,
      speaker: speaker.label,
      speakerLabel: speaker.label,
      speakerDisplayName: speaker.displayName,
      role: speaker.role,
    };
  });
  return { ...document, speakers, segments, cleanText: formatCleanText(segments) };
}

/** The label of a speaker without a name, as the resolution writes it. */
function roleLabel(role: SpeakerRole, speakerId: string): string {
  if (role === "USER") return "You";
  if (role === "CONTACT") return "Contact";
  return `Speaker ${speakerId.slice("spk_".length)}`;
}

/** The call's name for a party, as the resolution would label it (the phone fallback for a nameless contact). */
function contextName(role: "USER" | "CONTACT", context: CorrectionContext): string | null {
  if (role === "USER") return parsePersonName(context.userDisplayName)?.displayName ?? null;
  const contact = parsePersonName(context.contactName);
  if (contact) return contact.displayName;
  const lastFour = phoneLastFour(context.phoneNumber);
  return lastFour ? `Contact ending ${lastFour}` : null;
}

const tidy = (name: string | null) => {
  const tidied = name?.replace(/\s+/gu, " ").trim() ?? "";
  return tidied === "" ? null : tidied;
};
