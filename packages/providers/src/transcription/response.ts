import { z } from "zod";
import type { TimedSegment, TimedWord, TranscriptionResult } from "../types";
import { toIsoLanguageCode } from "./language";

/**
 * One schema for the JSON shapes OpenAI-compatible servers answer with:
 * OpenAI `verbose_json` (words + segments), OpenAI `diarized_json`
 * (segments with `speaker`, usage in seconds), and the speaker extensions
 * some self-hosted servers add to words and segments.
 */
const speakerLabel = z.union([z.string(), z.number()]).nullish();
const time = z.number().min(0);

const speakerFields = {
  speaker: speakerLabel,
  speaker_id: speakerLabel,
  speaker_label: speakerLabel,
};

const wordSchema = z.object({
  word: z.string().optional(),
  text: z.string().optional(),
  start: time,
  end: time,
  probability: z.number().nullish(),
  confidence: z.number().nullish(),
  ...speakerFields,
});

const segmentSchema = z.object({
  text: z.string(),
  start: time,
  end: time,
  // whisper.cpp's server nests word timing in its segments and sends no top-level `words`.
  words: z.array(wordSchema).nullish(),
  ...speakerFields,
});

const transcriptionResponseSchema = z
  .object({
    text: z.string().optional(),
    language: z.string().nullish(),
    duration: z.number().min(0).nullish(),
    usage: z.object({ seconds: z.number().min(0).optional() }).nullish(),
    words: z.array(wordSchema).nullish(),
    segments: z.array(segmentSchema).nullish(),
  })
  .refine((body) => body.text !== undefined || body.segments != null, {
    message: "neither text nor segments",
  });

type SpeakerFields = {
  speaker?: string | number | null;
  speaker_id?: string | number | null;
  speaker_label?: string | number | null;
};

function speakerOf(item: SpeakerFields): string | null {
  const label = item.speaker ?? item.speaker_id ?? item.speaker_label;
  if (label === null || label === undefined) return null;
  const text = String(label).trim();
  return text === "" ? null : text;
}

function byStart<T extends { start: number; end: number }>(a: T, b: T): number {
  return a.start - b.start || a.end - b.end;
}

export interface ResponseContext {
  provider: string;
  model: string | null;
  /** The language the request asked for, used when the provider does not report one. */
  requestedLanguage: string | null;
}

/** Thrown when the body is not a transcription; the transcriber maps it to `transcription_invalid_response`. */
export class InvalidTranscriptionResponse extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidTranscriptionResponse";
  }
}

type RawWord = z.infer<typeof wordSchema>;

/**
 * whisper.cpp's server lists tokens as `words` (" trans", "cription", ","): a
 * piece without a leading space continues the word before it.
 */
function joinTokens(tokens: RawWord[]): RawWord[] {
  const words: RawWord[] = [];
  for (const token of tokens) {
    const text = token.word ?? token.text ?? "";
    if (/^\[_[A-Z_0-9]+\]$/.test(text.trim())) continue; // control tokens ([_BEG_], [_TT_150])
    const previous = words.at(-1);
    if (previous && text !== "" && !/^\s/.test(text)) {
      previous.word = `${previous.word ?? previous.text ?? ""}${text}`;
      previous.end = Math.max(previous.end, token.end);
      continue;
    }
    words.push({ ...token, word: text });
  }
  return words;
}

export function parseTranscriptionResponse(body: unknown, context: ResponseContext): TranscriptionResult {
  const parsed = transcriptionResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new InvalidTranscriptionResponse("Transcription response does not match the expected shape", {
      cause: parsed.error,
    });
  }
  const response = parsed.data;

  const rawWords =
    response.words && response.words.length > 0
      ? response.words
      : joinTokens((response.segments ?? []).flatMap((segment) => segment.words ?? []));
  const words: TimedWord[] = rawWords
    .map((word) => {
      const mapped: TimedWord = {
        text: (word.word ?? word.text ?? "").trim(),
        start: word.start,
        // Some servers emit zero-length or inverted word spans; never let end precede start.
        end: Math.max(word.start, word.end),
      };
      const speaker = speakerOf(word);
      if (speaker !== null) mapped.speaker = speaker;
      const confidence = word.probability ?? word.confidence;
      if (confidence !== null && confidence !== undefined) mapped.confidence = confidence;
      return mapped;
    })
    .filter((word) => word.text !== "")
    .sort(byStart);

  const segments: TimedSegment[] = (response.segments ?? [])
    .map((segment) => {
      const mapped: TimedSegment = {
        text: segment.text.trim(),
        start: segment.start,
        end: Math.max(segment.start, segment.end),
      };
      const speaker = speakerOf(segment);
      if (speaker !== null) mapped.speaker = speaker;
      return mapped;
    })
    .filter((segment) => segment.text !== "")
    .sort(byStart);

  const text = (response.text ?? segments.map((segment) => segment.text).join(" ")).trim();

  return {
    language: toIsoLanguageCode(response.language) ?? context.requestedLanguage,
    durationSeconds: response.duration ?? response.usage?.seconds ?? null,
    text,
    words,
    segments,
    provider: context.provider,
    model: context.model,
  };
}
