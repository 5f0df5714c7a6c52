import { describe, expect, it } from "vitest";
import type { NormalizedTranscript, ResolvedSpeakers, SpeakerContext } from "../src/index";
import { alignTranscript, normalizeTranscript, resolveSpeakers, unresolvedSpeakers } from "../src/index";

/** One line of a call: who (diarization label), when it starts (s), what they said. Each line lasts 2 s. */
type Line = [speaker: string, start: number, text: string];

function conversation(...lines: Line[]): NormalizedTranscript {
  const segments = lines.map(([, start, text]) => ({ text, start, end: start + 2 }));
  const turns = lines.map(([speaker, start]) => ({ speaker, start, end: start + 2 }));
  return normalizeTranscript(alignTranscript({ words: [], segments }, turns));
}

const PEOPLE: SpeakerContext = { userDisplayName: "Priya Sharma", contactName: "Ravi Kumar" };

/** The outcome per diarization label, compactly. */
function outcome(result: ResolvedSpeakers): Record<string, string> {
  return Object.fromEntries(
    result.speakers.map((speaker) => [
      speaker.sourceSpeakerId ?? "-",
      `${speaker.role} ${speaker.confidence} ${speaker.labelSource} "${speaker.label}"`,
    ]),
  );
}

interface Case {
  name: string;
  lines: Line[];
  context?: SpeakerContext;
  expected: Record<string, string>;
  warnings?: string[];
}

const cases: Case[] = [
  // Rule 1: voice match.
  {
    name: "1. a voice match pre-labels the user, the other follows by elimination",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Yes, I wanted to ask about the invoice."],
    ],
    context: { ...PEOPLE, voiceMatch: { speakerId: "spk_2", score: 0.91 } },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER HIGH VOICE_EMBEDDING "Priya Sharma"',
    },
  },
  {
    name: "1. a voice match beats a contradicting greeting",
    lines: [
      ["A", 0, "Hello Priya, how are you?"],
      ["B", 3, "Fine, thanks."],
    ],
    context: { ...PEOPLE, voiceMatch: { speakerId: "spk_1", score: 0.88 } },
    expected: {
      A: 'USER HIGH VOICE_EMBEDDING "Priya Sharma"',
      B: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
    },
    warnings: ["speaker_identity_ambiguous"],
  },
  // Rule 2: greeting.
  {
    name: "2. greeting the contact in the opening makes the greeter the user, HIGH",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Ravi, how are you?"],
    ],
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER HIGH GREETING_MATCH "Priya Sharma"',
    },
  },
  {
    name: "2. greeting the user makes the greeter the contact",
    lines: [
      ["A", 0, "Good morning, Priya!"],
      ["B", 3, "Morning. What's up?"],
    ],
    expected: {
      A: 'CONTACT HIGH GREETING_MATCH "Ravi Kumar"',
      B: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
    },
  },
  {
    name: "2. up to two words may stand between greeting and name",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Hello, is this Ravi?"],
    ],
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER HIGH GREETING_MATCH "Priya Sharma"',
    },
  },
  {
    name: "2. three words between is no greeting (the mention still counts, as rule 3)",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Hello there my dear Ravi"],
    ],
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER MEDIUM NAME_MENTION "Priya Sharma"',
    },
  },
  {
    name: "2. a greeting after the first two segments is MEDIUM",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Can you hear me?"],
      ["A", 6, "Barely."],
      ["B", 9, "Hi Ravi, better now?"],
    ],
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER MEDIUM GREETING_MATCH "Priya Sharma"',
    },
  },
  {
    name: "2. a greeter greeting both names is ambiguous",
    lines: [
      ["A", 0, "Hi Ravi, hi Priya!"],
      ["B", 3, "Hello."],
    ],
    expected: {
      A: 'UNKNOWN LOW AMBIGUOUS "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_identity_ambiguous", "speaker_roles_unresolved"],
  },
  {
    name: "2. both speakers greeting the same name claim one role: ambiguous",
    lines: [
      ["A", 0, "Hi Ravi."],
      ["B", 3, "Hello Ravi!"],
    ],
    expected: {
      A: 'UNKNOWN LOW AMBIGUOUS "Speaker 1"',
      B: 'UNKNOWN LOW AMBIGUOUS "Speaker 2"',
    },
    warnings: ["speaker_identity_ambiguous", "speaker_roles_unresolved"],
  },
  // Rule 3: name-mention asymmetry.
  {
    name: "3. only one speaker says a name: the other role, MEDIUM",
    lines: [
      ["A", 0, "Ravi, did you send the file?"],
      ["B", 3, "Yes, this morning."],
    ],
    expected: {
      A: 'USER MEDIUM NAME_MENTION "Priya Sharma"',
      B: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
    },
  },
  {
    name: "3. both speakers naming both names: nothing assigned, AMBIGUOUS",
    lines: [
      ["A", 0, "Ravi, did Priya call you?"],
      ["B", 3, "No, Ravi never heard from Priya."],
    ],
    expected: {
      A: 'UNKNOWN LOW AMBIGUOUS "Speaker 1"',
      B: 'UNKNOWN LOW AMBIGUOUS "Speaker 2"',
    },
    warnings: ["speaker_identity_ambiguous", "speaker_roles_unresolved"],
  },
  {
    name: "3. both speakers saying the same name is no evidence either way",
    lines: [
      ["A", 0, "Is Ravi coming?"],
      ["B", 3, "Ravi? No idea."],
    ],
    expected: {
      A: 'UNKNOWN LOW AMBIGUOUS "Speaker 1"',
      B: 'UNKNOWN LOW AMBIGUOUS "Speaker 2"',
    },
    warnings: ["speaker_identity_ambiguous", "speaker_roles_unresolved"],
  },
  {
    name: "3. a shared mention after a greeting decided one side does not block the other",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Ravi!"],
      ["A", 6, "Ravi is busy today, honestly."],
    ],
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER HIGH GREETING_MATCH "Priya Sharma"',
    },
  },
  // Rule 4: elimination needs a strict two-speaker call.
  {
    name: "4. three speakers: only the evidenced one is resolved",
    lines: [
      ["A", 0, "Hi Ravi, I added Sam."],
      ["B", 3, "Hello."],
      ["C", 6, "Hi all."],
    ],
    expected: {
      A: 'USER HIGH GREETING_MATCH "Priya Sharma"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
      C: 'UNKNOWN LOW DIARIZATION "Speaker 3"',
    },
    warnings: ["multi_party_call_not_auto_resolved"],
  },
  {
    name: "4. three speakers and no evidence",
    lines: [
      ["A", 0, "Shall we start?"],
      ["B", 3, "Sure."],
      ["C", 6, "Go ahead."],
    ],
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
      C: 'UNKNOWN LOW DIARIZATION "Speaker 3"',
    },
    warnings: ["multi_party_call_not_auto_resolved", "speaker_roles_unresolved"],
  },
  // Rule 5: direction.
  {
    name: "5. a late greeting (after 30 s) stays MEDIUM without direction",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Can you hear me?"],
      ["A", 40, "Now I can."],
      ["B", 43, "Hello Ravi, finally."],
    ],
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER MEDIUM GREETING_MATCH "Priya Sharma"',
    },
  },
  {
    name: "5. an outgoing call promotes the caller's late greeting to HIGH",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Can you hear me?"],
      ["A", 40, "Now I can."],
      ["B", 43, "Hello Ravi, finally."],
    ],
    context: { ...PEOPLE, direction: "OUTGOING" },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER HIGH GREETING_MATCH "Priya Sharma"',
    },
  },
  {
    name: "5. an incoming call does not promote a greeting from the callee",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Can you hear me?"],
      ["A", 40, "Now I can."],
      ["B", 43, "Hello Ravi, finally."],
    ],
    context: { ...PEOPLE, direction: "INCOMING" },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER MEDIUM GREETING_MATCH "Priya Sharma"',
    },
  },
  {
    name: "5. direction alone assigns nothing",
    lines: [
      ["A", 0, "The weather is nice."],
      ["B", 3, "Indeed it is."],
    ],
    context: { ...PEOPLE, direction: "OUTGOING" },
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  // Rule 6: answering pattern.
  {
    name: "6. the speaker who picks up with 'Hello?' is the contact, the caller the user by elimination",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi, I'm calling about your order from last week."],
    ],
    expected: {
      A: 'CONTACT MEDIUM ANSWERING_PATTERN "Ravi Kumar"',
      B: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
    },
    warnings: ["answering_pattern_used"],
  },
  {
    name: "6. the answering phrase can come from the second speaker",
    lines: [
      ["A", 0, "Good afternoon, I am calling about the invoice you sent."],
      ["B", 5, "Yes, speaking."],
    ],
    expected: {
      A: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
      B: 'CONTACT MEDIUM ANSWERING_PATTERN "Ravi Kumar"',
    },
    warnings: ["answering_pattern_used"],
  },
  {
    name: "6. Hindi pickup phrases count",
    lines: [
      ["A", 0, "Haan ji, bolo."],
      ["B", 3, "Kal ki meeting ke baare mein baat karni thi."],
    ],
    expected: {
      A: 'CONTACT MEDIUM ANSWERING_PATTERN "Ravi Kumar"',
      B: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
    },
    warnings: ["answering_pattern_used"],
  },
  {
    name: "6. the caller is 'You' by elimination when the user has no display name",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Mum, it's me."],
    ],
    context: { contactName: "Maya", direction: "OUTGOING" },
    expected: {
      A: 'CONTACT MEDIUM ANSWERING_PATTERN "Maya"',
      B: 'USER MEDIUM BY_ELIMINATION "You"',
    },
    warnings: ["answering_pattern_used"],
  },
  {
    name: "6. a lone speaker who answers is the contact, with nobody left to eliminate",
    lines: [
      ["A", 0, "Hello?"],
      ["A", 30, "Is anyone there?"],
    ],
    expected: {
      A: 'CONTACT MEDIUM ANSWERING_PATTERN "Ravi Kumar"',
    },
    warnings: ["answering_pattern_used"],
  },
  {
    name: "6. on an incoming call the user picked up: the pattern is not applied",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi, I'm calling about your order from last week."],
    ],
    context: { ...PEOPLE, direction: "INCOMING" },
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "6. both speakers opening with 'Hello?' decides nothing",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hello?"],
      ["A", 6, "Can you hear me now?"],
    ],
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "6. an answering phrase after 20 s is not a pickup",
    lines: [
      ["A", 0, "So about the invoice you sent over."],
      ["B", 21, "Yes."],
    ],
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  // Rule 7 and the matching traps.
  {
    name: "7. no names, no pattern: unresolved",
    lines: [
      ["A", 0, "The weather is nice."],
      ["B", 3, "Indeed it is."],
    ],
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "a name inside another word is not the name ('ram' in 'program')",
    lines: [
      ["A", 0, "Hi, the Program is ready."],
      ["B", 3, "Great, Ramesh will test it."],
    ],
    context: { userDisplayName: "Priya", contactName: "Ram" },
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "'Alicia' is not 'Alice'",
    lines: [
      ["A", 0, "Hi Alicia!"],
      ["B", 3, "Oh, hi there."],
    ],
    context: { userDisplayName: "Priya", contactName: "Alice" },
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "honorifics are stripped before the first name ('Mr. Ravi Kumar' answers to 'Ravi')",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Ravi, it's about the lease."],
    ],
    context: { userDisplayName: "Dr. Priya Sharma", contactName: "Mr. Ravi Kumar" },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Mr. Ravi Kumar"',
      B: 'USER HIGH GREETING_MATCH "Dr. Priya Sharma"',
    },
  },
  {
    name: "a self-introduction is not a greeting of the other party",
    lines: [
      ["A", 0, "Hi, this is Ravi from Acme."],
      ["B", 3, "Oh, hi there."],
    ],
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "a lower-case common word is not a name ('I will call' is not Will)",
    lines: [
      ["A", 0, "I will call you tomorrow."],
      ["B", 3, "Sounds good."],
    ],
    context: { userDisplayName: "Will Smith", contactName: "Ravi Kumar" },
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "matching ignores case and accents in a lower-case transcript",
    lines: [
      ["A", 0, "yes"],
      ["B", 3, "hola jose, que tal"],
    ],
    context: { userDisplayName: "Priya", contactName: "José García" },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "José García"',
      B: 'USER HIGH GREETING_MATCH "Priya"',
    },
  },
  {
    name: "a first name both parties share identifies nobody",
    lines: [
      ["A", 0, "Oh, right."],
      ["B", 3, "Hi Ravi, good to hear you."],
    ],
    context: { userDisplayName: "Ravi Shah", contactName: "Ravi Kumar" },
    expected: {
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    },
    warnings: ["speaker_roles_unresolved"],
  },
  {
    name: "a shared first name still leaves the full names usable",
    lines: [
      ["A", 0, "Yes?"],
      ["B", 3, "Hi Ravi Kumar, good to hear you."],
    ],
    context: { userDisplayName: "Ravi Shah", contactName: "Ravi Kumar" },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi Kumar"',
      B: 'USER HIGH GREETING_MATCH "Ravi Shah"',
    },
  },
  {
    name: "a resolved user without a display name is labelled 'You'",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hey Ravi!"],
    ],
    context: { contactName: "Ravi" },
    expected: {
      A: 'CONTACT MEDIUM BY_ELIMINATION "Ravi"',
      B: 'USER HIGH GREETING_MATCH "You"',
    },
  },
  {
    name: "a one-sided recording can still be resolved, without elimination",
    lines: [["A", 0, "Hi Ravi, call me back when you can."]],
    expected: { A: 'USER HIGH GREETING_MATCH "Priya Sharma"' },
  },
  // Rule 8: phone fallback.
  {
    name: "8. a nameless contact is 'Contact ending NNNN'",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Priya, it's about the lease."],
    ],
    context: { userDisplayName: "Priya Sharma", phoneNumber: "+91 98765 43210" },
    expected: {
      A: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
      B: 'CONTACT HIGH PHONE_FALLBACK "Contact ending 3210"',
    },
  },
  {
    name: "8. a contact name that is really a phone number is not used as a name",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Priya, it's about the lease."],
    ],
    context: { userDisplayName: "Priya Sharma", contactName: "+91 98765 43210", phoneNumber: "+91 98765 43210" },
    expected: {
      A: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
      B: 'CONTACT HIGH PHONE_FALLBACK "Contact ending 3210"',
    },
  },
  {
    name: "8. no contact name and no phone: the contact is 'Contact'",
    lines: [
      ["A", 0, "Hello?"],
      ["B", 3, "Hi Priya, it's about the lease."],
    ],
    context: { userDisplayName: "Priya Sharma" },
    expected: {
      A: 'USER MEDIUM BY_ELIMINATION "Priya Sharma"',
      B: 'CONTACT HIGH GREETING_MATCH "Contact"',
    },
  },
];

describe("resolveSpeakers", () => {
  it.each(cases)("$name", ({ lines, context = PEOPLE, expected, warnings = [] }) => {
    const result = resolveSpeakers(conversation(...lines), context);
    expect(outcome(result)).toEqual(expected);
    expect(result.resolution.warnings).toEqual(warnings);
    expect(result.resolution.totalSpeakerCount).toBe(
      lines.reduce((set, [speaker]) => set.add(speaker), new Set()).size,
    );
    expect(result.resolution.resolvedSpeakerCount).toBe(
      result.speakers.filter((speaker) => speaker.role !== "UNKNOWN").length,
    );
  });

  it("copies each speaker's resolution onto its segments", () => {
    const result = resolveSpeakers(
      conversation(["A", 0, "Hello?"], ["B", 3, "Hi Ravi!"], ["A", 6, "Oh, hi Priya."]),
      PEOPLE,
    );
    expect(
      result.segments.map(({ id, speaker, speakerLabel, speakerDisplayName, speakerId, role }) => ({
        id,
        speaker,
        speakerLabel,
        speakerDisplayName,
        speakerId,
        role,
      })),
    ).toEqual([
      {
        id: "seg_0001",
        speaker: "Ravi Kumar",
        speakerLabel: "Ravi Kumar",
        speakerDisplayName: "Ravi Kumar",
        speakerId: "spk_1",
        role: "CONTACT",
      },
      {
        id: "seg_0002",
        speaker: "Priya Sharma",
        speakerLabel: "Priya Sharma",
        speakerDisplayName: "Priya Sharma",
        speakerId: "spk_2",
        role: "USER",
      },
      {
        id: "seg_0003",
        speaker: "Ravi Kumar",
        speakerLabel: "Ravi Kumar",
        speakerDisplayName: "Ravi Kumar",
        speakerId: "spk_1",
        role: "CONTACT",
      },
    ]);
    // The contact greeted the user too, but in the third segment: MEDIUM, consistent, so the greeting wins over elimination.
    expect(result.speakers[0]).toMatchObject({ role: "CONTACT", confidence: "MEDIUM", labelSource: "GREETING_MATCH" });
  });

  it.each([
    { name: "not run", voiceMatch: undefined, status: "NOT_RUN", used: false },
    { name: "no match", voiceMatch: null, status: "NO_MATCH", used: true },
    {
      name: "an unknown speaker",
      voiceMatch: { speakerId: "spk_9", score: 0.9 },
      status: "SPEAKER_NOT_FOUND",
      used: true,
    },
    {
      name: "a non-finite score",
      voiceMatch: { speakerId: "spk_1", score: Number.NaN },
      status: "SPEAKER_NOT_FOUND",
      used: true,
    },
    { name: "a match", voiceMatch: { speakerId: "spk_1", score: 0.8765 }, status: "MATCHED", used: true },
  ])("reports a voice match that was $name", ({ voiceMatch, status, used }) => {
    const result = resolveSpeakers(conversation(["A", 0, "Shall we start?"], ["B", 3, "Sure."]), {
      ...PEOPLE,
      voiceMatch,
    });
    expect(result.resolution).toMatchObject({
      voiceMatchStatus: status,
      voiceProfileUsed: used,
      voiceEmbeddingEnabled: used,
    });
    const first = result.speakers[0]!;
    expect([first.role, first.voiceProfileMatched, first.voiceMatchScore]).toEqual(
      status === "MATCHED" ? ["USER", true, 0.877] : ["UNKNOWN", false, null],
    );
  });

  it("keeps the telemetry free of names and text, and says which evidence was used", () => {
    const result = resolveSpeakers(
      conversation(["A", 0, "Hello?"], ["B", 3, "Hi Priya, it's about the lease at 98765 43210."], ["A", 40, "Sure."]),
      { userDisplayName: "Priya Sharma", phoneNumber: "+91 98765 43210", direction: "INCOMING" },
    );
    expect(result.resolution).toEqual({
      strategyVersion: "text-rules-v2",
      usedUserDisplayName: true,
      usedContactName: false,
      usedDirection: false,
      usedPhoneFallback: true,
      voiceEmbeddingEnabled: false,
      voiceProfileUsed: false,
      voiceMatchStatus: "NOT_RUN",
      totalSpeakerCount: 2,
      resolvedSpeakerCount: 2,
      warnings: [],
    });
    expect(result.segments[1]?.text).toBe("Hi Priya, it's about the lease at [number ending 3210].");
  });

  it("records that direction was used when it promotes a greeting", () => {
    const result = resolveSpeakers(
      conversation(["A", 0, "Yes?"], ["B", 3, "Can you hear me?"], ["A", 6, "Barely."], ["B", 9, "Hi Ravi!"]),
      { ...PEOPLE, direction: "OUTGOING" },
    );
    expect(result.resolution.usedDirection).toBe(true);
    expect(result.speakers[1]).toMatchObject({ role: "USER", confidence: "HIGH" });
  });

  it("resolves nothing and warns nothing for an empty transcript", () => {
    const result = resolveSpeakers(conversation(), PEOPLE);
    expect(result).toMatchObject({
      speakers: [],
      segments: [],
      resolution: { totalSpeakerCount: 0, resolvedSpeakerCount: 0, warnings: [] },
    });
  });
});

describe("unresolvedSpeakers", () => {
  it("labels everyone 'Speaker N' and still hides the phone number", () => {
    const result = unresolvedSpeakers(conversation(["A", 0, "Hi Ravi"], ["B", 3, "Call 098765-43210 later"]), {
      ...PEOPLE,
      phoneNumber: "+91 98765 43210",
    });
    expect(outcome(result)).toEqual({
      A: 'UNKNOWN LOW DIARIZATION "Speaker 1"',
      B: 'UNKNOWN LOW DIARIZATION "Speaker 2"',
    });
    expect(result.resolution.warnings).toEqual(["speaker_resolution_failed"]);
    expect(result.segments[1]?.text).toBe("Call [number ending 3210] later");
  });
});
