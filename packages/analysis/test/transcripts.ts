import type { AnalysisInput, AnalysisSpeaker, SpeakerRole } from "../src/index";

/** Builds a transcript view from lines like ["spk_1", "text"], 6 s per segment. */
export function transcript(
  speakers: Array<{ id: string; name: string | null; role: SpeakerRole }>,
  lines: Array<[string, string]>,
  recordedAt = "2026-05-27T10:00:00Z", // a Wednesday
): AnalysisInput {
  const list: AnalysisSpeaker[] = speakers.map((s, i) => ({
    speakerId: s.id,
    label: s.name ?? `Speaker ${i + 1}`,
    displayName: s.name,
    role: s.role,
  }));
  return {
    callId: "5b0f1a5e-6a43-4c1e-9d55-0a8f6f1f2a10",
    language: "en",
    durationSeconds: lines.length * 6,
    recordedAt,
    createdAt: "2026-05-28T00:00:00Z",
    direction: "OUTGOING",
    speakers: list,
    segments: lines.map(([speakerId, text], i) => {
      const speaker = list.find((s) => s.speakerId === speakerId)!;
      return {
        id: `seg_${String(i + 1).padStart(4, "0")}`,
        speakerId,
        speakerLabel: speaker.label,
        speakerDisplayName: speaker.displayName,
        role: speaker.role,
        startSeconds: i * 6,
        endSeconds: i * 6 + 5.5,
        text,
      };
    }),
  };
}

export const PRIYA_AND_RAVI = [
  { id: "spk_1", name: "Priya", role: "USER" as const },
  { id: "spk_2", name: "Ravi", role: "CONTACT" as const },
];

/** Every sourceSegmentIds array anywhere in a document. */
export function citedSegmentIds(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(citedSegmentIds);
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === "sourceSegmentIds" && Array.isArray(child) ? (child as string[]) : citedSegmentIds(child),
  );
}
