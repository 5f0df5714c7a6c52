import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { AnalysisInput, AnalysisSpeaker } from "../src/index";

/** The scripted calls under fixtures/calls, turned into the transcript view the analysers take. */

export const CALLS_DIR = join(import.meta.dirname, "../../../fixtures/calls");

export interface ScriptedCall {
  name: string;
  input: AnalysisInput;
  script: {
    recordedAt: string;
    phoneNumber?: string;
    turns: Array<{ speaker: "USER" | "CONTACT"; text: string }>;
    expected: {
      callType?: string;
      actionItems: Array<{
        titleIncludes: string[];
        ownerRole: string;
        dueDate: string;
        intent?: string;
        intentMetadata?: Record<string, unknown>;
      }>;
      actionItemsMustNotInclude?: string[];
      nextSteps: Array<{ textIncludes: string[]; ownerRole: string; when: string }>;
      openQuestions?: Array<{ textIncludes: string[] }>;
      amounts?: string[];
      mustNotAppear: string[];
    };
  };
}

export function scriptedCalls(): ScriptedCall[] {
  if (!existsSync(CALLS_DIR)) return [];
  return readdirSync(CALLS_DIR)
    .filter(
      (name) => existsSync(join(CALLS_DIR, name, "script.json")) && existsSync(join(CALLS_DIR, name, "timings.json")),
    )
    .sort()
    .map((name) => {
      const script = JSON.parse(
        readFileSync(join(CALLS_DIR, name, "script.json"), "utf8"),
      ) as ScriptedCall["script"] & {
        userDisplayName?: string;
        contactName?: string;
        direction?: "INCOMING" | "OUTGOING";
      };
      const timings = JSON.parse(readFileSync(join(CALLS_DIR, name, "timings.json"), "utf8")) as {
        durationSeconds: number;
        turns: Array<{ start: number; end: number }>;
      };
      const speakers: AnalysisSpeaker[] = [];
      const idFor = (role: "USER" | "CONTACT") => {
        let speaker = speakers.find((s) => s.role === role);
        if (!speaker) {
          const displayName = (role === "USER" ? script.userDisplayName : script.contactName) ?? null;
          speaker = {
            speakerId: `spk_${speakers.length + 1}`,
            label: displayName ?? `Speaker ${speakers.length + 1}`,
            displayName,
            role,
          };
          speakers.push(speaker);
        }
        return speaker;
      };
      const segments = script.turns.map((turn, i) => {
        const speaker = idFor(turn.speaker);
        const timing = timings.turns[i]!;
        return {
          id: `seg_${String(i + 1).padStart(4, "0")}`,
          speakerId: speaker.speakerId,
          speakerLabel: speaker.label,
          speakerDisplayName: speaker.displayName,
          role: speaker.role,
          startSeconds: timing.start,
          endSeconds: timing.end,
          text: turn.text,
        };
      });
      const input: AnalysisInput = {
        callId: `00000000-0000-4000-8000-${String(name.length).padStart(12, "0")}`,
        language: "en",
        durationSeconds: timings.durationSeconds,
        recordedAt: script.recordedAt,
        createdAt: script.recordedAt,
        direction: script.direction ?? null,
        speakers,
        segments,
      };
      return { name, input, script };
    });
}
