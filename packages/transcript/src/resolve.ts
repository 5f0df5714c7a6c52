import type { CallDirection, SpeakerContext } from "./input";
import type { Party, PersonName } from "./names";
import {
  findNameMentions,
  isAnsweringPhrase,
  isGreeted,
  nameVariantsByParty,
  otherParty,
  parsePersonName,
  phoneLastFour,
  redactPhoneNumber,
} from "./names";
import type { NormalizedSpeaker, NormalizedTranscript } from "./normalize";
import { roundTo3 } from "./numbers";
import type {
  LabelSource,
  RoleSource,
  SpeakerResolution,
  SpeakerResolutionWarning,
  TranscriptSegment,
  TranscriptSpeaker,
  VoiceMatchStatus,
} from "./schema";
import type { MatchToken } from "./text";
import { matchTokens } from "./text";

/** Bumped whenever the rules below change what they decide. */
export const SPEAKER_RESOLUTION_STRATEGY_VERSION = "text-rules-v2";

/** A greeting this early is the call's opening, not a mid-call aside. */
const OPENING_SEGMENTS = 2;
const OPENING_SECONDS = 30;
/** Where an answering phrase can still be the pickup. */
const ANSWERING_WINDOW_SEGMENTS = 4;
const ANSWERING_WINDOW_SECONDS = 20;

export interface ResolvedSpeakers {
  speakers: TranscriptSpeaker[];
  segments: TranscriptSegment[];
  resolution: SpeakerResolution;
}

type AssignedConfidence = "HIGH" | "MEDIUM";

interface Assignment {
  role: Party;
  confidence: AssignedConfidence;
  source: RoleSource;
  /** The party whose name was the evidence, for the telemetry's used* flags. */
  namedParty: Party | null;
}

interface Proposal extends Assignment {
  speakerId: string;
}

/**
 * Decides who is the user and who is the contact (docs/contract.md § Speaker resolution, rules 1–8 in order of
 * evidence; for each speaker the first rule that applies wins). Deterministic,
 * text-only and conservative: contradicting evidence leaves speakers UNKNOWN.
 * Also removes the call's phone number from the segment texts.
 */
export function resolveSpeakers(normalized: NormalizedTranscript, context: SpeakerContext): ResolvedSpeakers {
  const state = new ResolutionState(normalized.speakers.map((speaker) => speaker.speakerId));
  const user = parsePersonName(context.userDisplayName);
  const contact = parsePersonName(context.contactName);
  const variants = nameVariantsByParty(user, contact);
  const direction = context.direction ?? "UNKNOWN";
  // An all-lowercase transcript says nothing about proper nouns, so casing is only
  // demanded of names when the provider writes capitals at all.
  const casedTranscript = normalized.segments.some((segment) => /\p{Lu}/u.test(segment.text));
  const tokenized = normalized.segments.map((segment) => ({ segment, tokens: matchTokens(segment.text) }));

  // 1. Voice match.
  const voiceMatchStatus = applyVoiceMatch(state, context);

  // 2. Greeting: "hi <name>" is said to the named party, so the greeter is the other one.
  const greetings: Proposal[] = [];
  tokenized.forEach(({ segment, tokens }, index) => {
    for (const party of ["USER", "CONTACT"] as const) {
      for (const mention of findNameMentions(tokens, variants[party], casedTranscript)) {
        if (!isGreeted(tokens, mention.start)) continue;
        const opening = index < OPENING_SEGMENTS && segment.startSeconds < OPENING_SECONDS;
        greetings.push({
          speakerId: segment.speakerId,
          role: otherParty(party),
          confidence: opening ? "HIGH" : "MEDIUM",
          source: "GREETING_MATCH",
          namedParty: party,
        });
      }
    }
  });
  state.accept(greetings);

  // 3. Name-mention asymmetry.
  state.accept(nameMentionProposals(state, tokenized, variants, casedTranscript));

  // 4. Elimination, only in a strict two-speaker call.
  eliminate(state);
  if (state.speakerIds.length >= 3) state.warn("multi_party_call_not_auto_resolved");

  // 5. Direction never assigns; it only confirms a greeting from the side that placed the call.
  const caller = callerParty(direction);
  for (const assignment of state.assignments.values()) {
    if (assignment.source === "GREETING_MATCH" && assignment.confidence === "MEDIUM" && assignment.role === caller) {
      assignment.confidence = "HIGH";
      state.usedDirection = true;
    }
  }

  // 6. Answering pattern, the weakest evidence: only when nothing else decided anything.
  if (state.assignments.size === 0 && state.blocked.size === 0 && state.speakerIds.length <= 2) {
    const answerer = soleAnsweringSpeaker(tokenized);
    if (answerer !== null && direction === "INCOMING") {
      // On an incoming call the user picked up: the rule would name the wrong side.
      state.usedDirection = true;
    } else if (answerer !== null) {
      state.accept([
        { speakerId: answerer, role: "CONTACT", confidence: "MEDIUM", source: "ANSWERING_PATTERN", namedParty: null },
      ]);
      state.warn("answering_pattern_used");
      // Whoever did not pick up placed the call: rule 4 applies to this side too.
      eliminate(state);
    }
  }

  // 7. Nothing applied.
  if (state.assignments.size === 0 && state.speakerIds.length > 0) state.warn("speaker_roles_unresolved");

  // 8. Labels, with the phone fallback for a nameless contact.
  return label(normalized, context, { user, contact, state, voiceMatchStatus });
}

/**
 * The result to ship when resolution itself failed: every speaker stays "Speaker N"
 * (docs/contract.md § Pipeline: SPEAKER_REFINED on failure), the phone number still redacted.
 */
export function unresolvedSpeakers(normalized: NormalizedTranscript, context: SpeakerContext): ResolvedSpeakers {
  const state = new ResolutionState(normalized.speakers.map((speaker) => speaker.speakerId));
  state.warn("speaker_resolution_failed");
  return label(normalized, context, {
    user: null,
    contact: null,
    state,
    voiceMatchStatus: voiceMatchStatusOf(context, state.speakerIds),
  });
}

class ResolutionState {
  readonly assignments = new Map<string, Assignment>();
  /** Speakers whose evidence contradicted itself: no weaker rule may name them. */
  readonly blocked = new Set<string>();
  readonly warnings = new Set<SpeakerResolutionWarning>();
  usedDirection = false;

  constructor(readonly speakerIds: readonly string[]) {}

  warn(warning: SpeakerResolutionWarning): void {
    this.warnings.add(warning);
  }

  /**
   * Accepts one rule's proposals unless they contradict each other or what stronger
   * rules decided: a speaker given both roles, a role given to two speakers, or a
   * role someone else already holds. Contradicted speakers are blocked.
   */
  accept(proposals: readonly Proposal[]): void {
    const candidates = new Map<string, Proposal>();
    const contradicted = new Set<string>();
    for (const proposal of proposals) {
      const { speakerId } = proposal;
      if (this.blocked.has(speakerId)) continue;
      const existing = this.assignments.get(speakerId);
      if (existing) {
        if (existing.role !== proposal.role) this.warn("speaker_identity_ambiguous");
        continue;
      }
      const candidate = candidates.get(speakerId);
      if (candidate && candidate.role !== proposal.role) contradicted.add(speakerId);
      if (!candidate || rank(proposal.confidence) > rank(candidate.confidence)) candidates.set(speakerId, proposal);
    }

    const claimants = new Map<Party, string[]>();
    for (const [speakerId, proposal] of candidates) {
      if (contradicted.has(speakerId)) continue;
      claimants.set(proposal.role, [...(claimants.get(proposal.role) ?? []), speakerId]);
    }
    for (const [role, speakerIds] of claimants) {
      const heldElsewhere = [...this.assignments.values()].some((assignment) => assignment.role === role);
      if (heldElsewhere || speakerIds.length > 1) for (const speakerId of speakerIds) contradicted.add(speakerId);
    }

    for (const [speakerId, proposal] of candidates) {
      if (contradicted.has(speakerId)) {
        this.blocked.add(speakerId);
        this.warn("speaker_identity_ambiguous");
        continue;
      }
      const { role, confidence, source, namedParty } = proposal;
      this.assignments.set(speakerId, { role, confidence, source, namedParty });
    }
  }

  block(speakerId: string): void {
    this.blocked.add(speakerId);
    this.warn("speaker_identity_ambiguous");
  }
}

/**
 * Rule 4: in a strict two-speaker call with exactly one side resolved, the other
 * takes the remaining role at MEDIUM, unless its own evidence contradicted itself.
 */
function eliminate(state: ResolutionState): void {
  if (state.speakerIds.length !== 2 || state.assignments.size !== 1) return;
  const [first, second] = state.speakerIds as [string, string];
  const resolved = state.assignments.get(first) ?? state.assignments.get(second);
  const unresolved = state.assignments.has(first) ? second : first;
  if (!resolved || state.blocked.has(unresolved)) return;
  state.accept([
    {
      speakerId: unresolved,
      role: otherParty(resolved.role),
      confidence: "MEDIUM",
      source: "BY_ELIMINATION",
      namedParty: null,
    },
  ]);
}

function rank(confidence: AssignedConfidence): number {
  return confidence === "HIGH" ? 2 : 1;
}

function applyVoiceMatch(state: ResolutionState, context: SpeakerContext): VoiceMatchStatus {
  const status = voiceMatchStatusOf(context, state.speakerIds);
  if (status === "MATCHED" && context.voiceMatch) {
    const { speakerId } = context.voiceMatch;
    state.accept([{ speakerId, role: "USER", confidence: "HIGH", source: "VOICE_EMBEDDING", namedParty: null }]);
  }
  return status;
}

function voiceMatchStatusOf(context: SpeakerContext, speakerIds: readonly string[]): VoiceMatchStatus {
  const match = context.voiceMatch;
  if (match === undefined) return "NOT_RUN";
  if (match === null) return "NO_MATCH";
  return Number.isFinite(match.score) && speakerIds.includes(match.speakerId) ? "MATCHED" : "SPEAKER_NOT_FOUND";
}

interface TokenizedSegment {
  segment: { speakerId: string; startSeconds: number };
  tokens: MatchToken[];
}

/**
 * A speaker who says a party's name that nobody else says is talking to that party,
 * so takes the other role. Saying both names, or sharing a name with another
 * unresolved speaker, is contradictory and blocks the speaker.
 */
function nameMentionProposals(
  state: ResolutionState,
  tokenized: readonly TokenizedSegment[],
  variants: Record<Party, string[][]>,
  casedTranscript: boolean,
): Proposal[] {
  const mentionedBy = new Map<string, Set<Party>>();
  const speakersNaming: Record<Party, Set<string>> = { USER: new Set(), CONTACT: new Set() };
  for (const { segment, tokens } of tokenized) {
    for (const party of ["USER", "CONTACT"] as const) {
      if (findNameMentions(tokens, variants[party], casedTranscript).length === 0) continue;
      speakersNaming[party].add(segment.speakerId);
      mentionedBy.set(segment.speakerId, (mentionedBy.get(segment.speakerId) ?? new Set()).add(party));
    }
  }

  const proposals: Proposal[] = [];
  for (const speakerId of state.speakerIds) {
    const parties = mentionedBy.get(speakerId);
    if (!parties || state.assignments.has(speakerId) || state.blocked.has(speakerId)) continue;
    const [party] = parties;
    if (parties.size > 1 || party === undefined) {
      state.block(speakerId);
      continue;
    }
    const others = [...speakersNaming[party]].filter((other) => other !== speakerId);
    if (others.some((other) => !state.assignments.has(other))) {
      state.block(speakerId);
      continue;
    }
    // Everyone else who said the name is already resolved: the mention tells nothing new.
    if (others.length > 0) continue;
    proposals.push({
      speakerId,
      role: otherParty(party),
      confidence: "MEDIUM",
      source: "NAME_MENTION",
      namedParty: party,
    });
  }
  return proposals;
}

/** The party that placed the call: the one expected to greet the other by name. */
function callerParty(direction: CallDirection): Party | null {
  if (direction === "OUTGOING") return "USER";
  if (direction === "INCOMING") return "CONTACT";
  return null;
}

/** The one speaker whose first words, early in the call, are only an answering phrase. */
function soleAnsweringSpeaker(tokenized: readonly TokenizedSegment[]): string | null {
  const openers = new Set<string>();
  const answerers: string[] = [];
  for (const { segment, tokens } of tokenized.slice(0, ANSWERING_WINDOW_SEGMENTS)) {
    if (segment.startSeconds >= ANSWERING_WINDOW_SECONDS) break;
    if (openers.has(segment.speakerId)) continue;
    openers.add(segment.speakerId);
    if (isAnsweringPhrase(tokens)) answerers.push(segment.speakerId);
  }
  return answerers.length === 1 ? answerers[0]! : null;
}

function label(
  normalized: NormalizedTranscript,
  context: SpeakerContext,
  evidence: {
    user: PersonName | null;
    contact: PersonName | null;
    state: ResolutionState;
    voiceMatchStatus: VoiceMatchStatus;
  },
): ResolvedSpeakers {
  const { user, contact, state, voiceMatchStatus } = evidence;
  const lastFour = phoneLastFour(context.phoneNumber);
  const usedNames = new Set([...state.assignments.values()].flatMap((assignment) => assignment.namedParty ?? []));
  let usedPhoneFallback = false;
  const voiceMatch = voiceMatchStatus === "MATCHED" ? context.voiceMatch : null;

  const speakers = normalized.speakers.map((speaker): TranscriptSpeaker => {
    const assignment = state.assignments.get(speaker.speakerId);
    const named = nameFor(speaker, assignment);
    if (named.labelSource === "PHONE_FALLBACK") usedPhoneFallback = true;
    if (named.namedParty) usedNames.add(named.namedParty);
    const matched = voiceMatch?.speakerId === speaker.speakerId;
    return {
      speakerId: speaker.speakerId,
      sourceSpeakerId: speaker.sourceSpeakerId,
      label: named.label,
      displayName: named.displayName,
      role: assignment?.role ?? "UNKNOWN",
      confidence: assignment?.confidence ?? "LOW",
      labelSource: named.labelSource,
      roleSource: assignment?.source ?? null,
      voiceMatchScore: matched && voiceMatch ? roundTo3(voiceMatch.score) : null,
      voiceProfileMatched: matched,
    };
  });

  function nameFor(
    speaker: NormalizedSpeaker,
    assignment: Assignment | undefined,
  ): { label: string; displayName: string | null; labelSource: LabelSource; namedParty?: Party } {
    if (!assignment) {
      return {
        label: speaker.label,
        displayName: null,
        labelSource: state.blocked.has(speaker.speakerId) ? "AMBIGUOUS" : "DIARIZATION",
      };
    }
    if (assignment.role === "USER") {
      if (user)
        return {
          label: user.displayName,
          displayName: user.displayName,
          labelSource: assignment.source,
          namedParty: "USER",
        };
      return { label: "You", displayName: null, labelSource: assignment.source };
    }
    if (contact)
      return {
        label: contact.displayName,
        displayName: contact.displayName,
        labelSource: assignment.source,
        namedParty: "CONTACT",
      };
    if (lastFour) {
      const fallback = `Contact ending ${lastFour}`;
      return { label: fallback, displayName: fallback, labelSource: "PHONE_FALLBACK" };
    }
    return { label: "Contact", displayName: null, labelSource: assignment.source };
  }

  const bySpeakerId = new Map(speakers.map((speaker) => [speaker.speakerId, speaker]));
  const segments = normalized.segments.map((segment): TranscriptSegment => {
    const speaker = bySpeakerId.get(segment.speakerId)!;
    return {
      id: segment.id,
      speaker: speaker.label,
      speakerLabel: speaker.label,
      speakerDisplayName: speaker.displayName,
      speakerId: speaker.speakerId,
      sourceSpeakerId: segment.sourceSpeakerId,
      role: speaker.role,
      startSeconds: segment.startSeconds,
      endSeconds: segment.endSeconds,
      text: redactPhoneNumber(segment.text, context.phoneNumber),
      alignmentConfidence: segment.alignmentConfidence,
    };
  });

  return {
    speakers,
    segments,
    resolution: {
      strategyVersion: SPEAKER_RESOLUTION_STRATEGY_VERSION,
      usedUserDisplayName: usedNames.has("USER"),
      usedContactName: usedNames.has("CONTACT"),
      usedDirection: state.usedDirection,
      usedPhoneFallback,
      voiceEmbeddingEnabled: context.voiceEmbeddingEnabled ?? context.voiceMatch !== undefined,
      voiceProfileUsed: context.voiceMatch !== undefined,
      voiceMatchStatus,
      totalSpeakerCount: speakers.length,
      resolvedSpeakerCount: state.assignments.size,
      warnings: [...state.warnings],
    },
  };
}
