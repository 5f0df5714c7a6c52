/**
 * What this package reads. Structurally identical to the provider contracts in
 * `@scryon/providers` (TimedWord, TimedSegment, SpeakerTurn) but declared here so the
 * transcript logic stays free of I/O dependencies. Times are seconds from the start
 * of the recording.
 */

export interface TimedWordInput {
  text: string;
  start: number;
  end: number;
}

export interface TimedSegmentInput {
  text: string;
  start: number;
  end: number;
}

/** The part of a transcription result alignment needs: word timing, else segment timing. */
export interface TranscriptionInput {
  words: readonly TimedWordInput[];
  segments: readonly TimedSegmentInput[];
}

/** One diarization turn, labelled as its source labels it (`SPEAKER_00`, `left`, …). */
export interface SpeakerTurnInput {
  speaker: string;
  start: number;
  end: number;
}

export type CallDirection = "INCOMING" | "OUTGOING" | "UNKNOWN";

/** A voice-profile match of the user against one normalised speaker (`spk_N`). */
export interface VoiceMatchInput {
  speakerId: string;
  score: number;
}

/** Call metadata speaker resolution may use. Every field is optional evidence. */
export interface SpeakerContext {
  userDisplayName?: string | null;
  contactName?: string | null;
  phoneNumber?: string | null;
  direction?: CallDirection | null;
  /**
   * Result of the optional voice match stage: `undefined` when it did not run,
   * `null` when it ran and matched nobody, else the matched speaker.
   */
  voiceMatch?: VoiceMatchInput | null;
  /** Whether voice embeddings are switched on for this account; defaults to "the match ran". */
  voiceEmbeddingEnabled?: boolean;
}
