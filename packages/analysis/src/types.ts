import type { AnalysisDocument } from "./schema";

export type SpeakerRole = "USER" | "CONTACT" | "UNKNOWN";

/**
 * What an analyser needs from the normalised transcript (docs/contract.md § Transcript document). A structural view:
 * the transcript package builds it, this package never imports that one.
 */
export interface AnalysisInput {
  callId: string;
  language: string | null;
  durationSeconds: number | null;
  /** ISO-8601; relative dates ("by Friday") resolve against it, else against createdAt. */
  recordedAt: string | null;
  createdAt: string;
  direction?: "INCOMING" | "OUTGOING" | "UNKNOWN" | null;
  speakers: AnalysisSpeaker[];
  segments: AnalysisSegment[];
  /**
   * Names known from the call's metadata (the user, the contact, their organisation):
   * pseudonymised before a prompt leaves the process (docs/contract.md § Analysis document).
   */
  names?: { people?: string[]; organizations?: string[] };
}

export interface AnalysisSpeaker {
  speakerId: string;
  label: string;
  displayName: string | null;
  role: SpeakerRole;
}

export interface AnalysisSegment {
  id: string;
  speakerId: string;
  speakerLabel: string;
  speakerDisplayName: string | null;
  role: SpeakerRole;
  startSeconds: number;
  endSeconds: number;
  text: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface AnalysisOutcome {
  document: AnalysisDocument;
  provider: string;
  model: string | null;
  usage?: TokenUsage;
}

export interface AnalyzeOptions {
  signal?: AbortSignal;
}

export interface Analyzer {
  readonly name: string;
  readonly model: string | null;
  analyze(input: AnalysisInput, options?: AnalyzeOptions): Promise<AnalysisOutcome>;
}

/**
 * A failed analysis. `code` is short, stable and free of PII (it ends up in
 * `errorReason` and in logs); `retryable` tells the pipeline whether trying the same
 * call again later could succeed.
 */
export class AnalysisError extends Error {
  readonly code: string;
  readonly retryable: boolean;

  constructor(code: string, options: { retryable: boolean; message?: string; cause?: unknown }) {
    super(options.message ?? code, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AnalysisError";
    this.code = code;
    this.retryable = options.retryable;
  }
}
