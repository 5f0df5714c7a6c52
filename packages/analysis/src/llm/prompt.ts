import { maskContactDetails } from "../privacy";
import type { AnalysisInput } from "../types";

const SYSTEM_PROMPT = `You analyse one phone call transcript and return a single JSON object, the call analysis document schema v3.
Rules:
- Use only what the transcript says. Never invent a name, email, phone number, amount, date or time.
- Every sourceSegmentIds entry must be a segment id from the transcript ("seg_…"); use [] when none applies.
- Narrative fields (summaries, bullets, discussion points, sections) describe what happened, speaker-neutral: never "Speaker 1 said".
- Do not repeat a fact across executiveSummary, executiveSummaryBullets, keyDiscussionPoints and sections.
- executiveSummary: 2-4 sentences. executiveSummaryBullets: 3-6 entries with header, startTimestamp (MM:SS) and paragraphs.
- actionItems are launchable tasks (meeting, email, call, message, reminder, task). The owner is the speaker who commits, or the one asked for a request; copy ownerSpeakerId from the speakers list. Resolve relative dates ("by Friday") against recordedAt into dueDate YYYY-MM-DD, else null.
- Planned personal activities ("I'll prepare the deck") go to nextSteps, not actionItems.
- Text masked as [email] or [phone] is private: never reconstruct it. [PHONE ending NNNN], [EMAIL], [CARD ending NNNN], [IBAN] and [CODE] are redacted values: keep them as they are.
- PERSON_N and ORG_N stand for real people and organisations: use these exact tokens wherever you refer to them.
- All enum values lower case, as in the schema. Tags: short, lower case.`;

/** The call as the model sees it: ids, roles, times and masked text — no user ids, emails or phone numbers. */
export function buildMessages(input: AnalysisInput): Array<{ role: "system" | "user"; content: string }> {
  const call = {
    language: input.language,
    durationSeconds: input.durationSeconds,
    recordedAt: input.recordedAt ?? input.createdAt,
    direction: input.direction ?? null,
    speakers: input.speakers.map((s) => ({
      speakerId: s.speakerId,
      label: maskContactDetails(s.label),
      displayName: s.displayName === null ? null : maskContactDetails(s.displayName),
      role: s.role,
    })),
    segments: input.segments.map((s) => ({
      id: s.id,
      speakerId: s.speakerId,
      role: s.role,
      start: Math.round(s.startSeconds * 10) / 10,
      end: Math.round(s.endSeconds * 10) / 10,
      text: maskContactDetails(s.text),
    })),
  };
  return [
    { role: "system", content: SYSTEM_PROMPT },
    { role: "user", content: `Analyse this call. Transcript as JSON:\n${JSON.stringify(call)}` },
  ];
}
