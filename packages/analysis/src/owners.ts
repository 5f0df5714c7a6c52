import type { ActionItem } from "./schema";
import type { SpeakerRole } from "./types";

export interface OwnerSpeaker {
  speakerId: string;
  label: string;
  displayName: string | null;
  role: SpeakerRole;
}

type OwnerFields = Pick<
  ActionItem,
  "ownerSpeaker" | "ownerSpeakerId" | "ownerSpeakerLabel" | "ownerDisplayName" | "ownerRole"
>;

/** The owner fields after reconciliation: always present, null when unresolved. */
export interface ReconciledOwner {
  ownerSpeaker: string | null;
  ownerSpeakerId: string | null;
  ownerSpeakerLabel: string | null;
  ownerDisplayName: string | null;
  ownerRole: SpeakerRole | null;
}

/**
 * Ties each action item's owner to a real transcript speaker (docs/contract.md § Analysis document): the speaker id
 * wins when it exists; otherwise the owner label is matched case-insensitively against
 * speaker labels and display names. A match fills every owner field from the speaker;
 * no match nulls them, because a wrong owner is worse than none.
 */
export function reconcileActionItemOwners<T extends OwnerFields>(
  items: readonly T[],
  speakers: readonly OwnerSpeaker[],
): Array<Omit<T, keyof OwnerFields> & ReconciledOwner> {
  return items.map((item) => {
    const speaker = resolveOwner(item, speakers);
    if (!speaker) {
      return {
        ...item,
        ownerSpeaker: null,
        ownerSpeakerId: null,
        ownerSpeakerLabel: null,
        ownerDisplayName: null,
        ownerRole: null,
      };
    }
    return {
      ...item,
      ownerSpeaker: speaker.displayName ?? speaker.label,
      ownerSpeakerId: speaker.speakerId,
      ownerSpeakerLabel: speaker.label,
      ownerDisplayName: speaker.displayName,
      ownerRole: speaker.role,
    };
  });
}

function resolveOwner(item: OwnerFields, speakers: readonly OwnerSpeaker[]): OwnerSpeaker | undefined {
  if (item.ownerSpeakerId) {
    const byId = speakers.find((s) => s.speakerId === item.ownerSpeakerId);
    if (byId) return byId;
  }
  const wanted = [item.ownerSpeakerLabel, item.ownerSpeaker, item.ownerDisplayName]
    .filter((name): name is string => typeof name === "string" && name.trim() !== "")
    .map((name) => name.trim().toLowerCase());
  for (const name of wanted) {
    const matches = speakers.filter(
      (s) => s.label.toLowerCase() === name || s.displayName?.trim().toLowerCase() === name,
    );
    // Two speakers sharing a name is ambiguous: refuse rather than guess.
    if (matches.length === 1) return matches[0];
  }
  return undefined;
}
