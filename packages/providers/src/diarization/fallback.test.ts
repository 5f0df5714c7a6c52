import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { diarizeStereoChannels, locateFfmpeg } from "../audio";
import type { DiarizationRequest, DiarizationSource, TranscriptionResult } from "../types";
import { ProviderError } from "../types";
import { diarizeWithFallback } from "./fallback";
import { createPyannoteDiarizationSource } from "./pyannote";
import { createSingleSpeakerSource } from "./singleSpeaker";
import type { StereoDiarizer } from "./stereoChannelSource";
import { createStereoChannelSource } from "./stereoChannelSource";
import type { FakePyannote } from "./testing/fakePyannote";
import { startFakePyannote } from "./testing/fakePyannote";
import { createTranscriptionSpeakerSource } from "./transcriptionSpeakerSource";

const STEREO_CALL = fileURLToPath(new URL("../../../../fixtures/audio/stereo-two-party.wav", import.meta.url));
const MONO_TONE = fileURLToPath(new URL("../../../../fixtures/audio/tone.wav", import.meta.url));
const API_KEY = "pyannote-test-key";

let stereo: StereoDiarizer;
let fake: FakePyannote | undefined;

beforeAll(async () => {
  const ffmpeg = await locateFfmpeg();
  stereo = (filePath, signal) =>
    diarizeStereoChannels({ ffmpegPath: ffmpeg.path, filePath, timeoutMs: 30_000, signal });
});

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function pyannote(
  options: { apiKey?: string; maxAudioSeconds?: number; jobStatuses?: string[] } = {},
): Promise<DiarizationSource> {
  fake = await startFakePyannote({
    apiKey: API_KEY,
    jobStatuses: options.jobStatuses,
    output: {
      diarization: [
        { speaker: "SPEAKER_00", start: 0.5, end: 2.0 },
        { speaker: "SPEAKER_01", start: 2.4, end: 4.4 },
      ],
    },
  });
  return createPyannoteDiarizationSource({
    apiKey: options.apiKey ?? API_KEY,
    baseURL: fake.baseURL,
    pollIntervalMs: 10,
    retryDelayMs: 10,
    maxAudioSeconds: options.maxAudioSeconds,
  });
}

const labelledTranscription: TranscriptionResult = {
  language: "en",
  durationSeconds: 8.6,
  text: "Hi Ravi, it's Priya. Hello Priya.",
  words: [],
  segments: [
    { text: "Hi Ravi, it's Priya.", start: 0.5, end: 1.98, speaker: "A" },
    { text: "Hello Priya, good to hear from you.", start: 2.43, end: 4.43, speaker: "B" },
  ],
  provider: "openai-compatible",
  model: "gpt-4o-transcribe-diarize",
};

const unlabelledTranscription: TranscriptionResult = {
  ...labelledTranscription,
  segments: labelledTranscription.segments.map(({ text, start, end }) => ({ text, start, end })),
  model: "whisper-1",
};

function request(overrides: Partial<DiarizationRequest> = {}): DiarizationRequest {
  return { filePath: STEREO_CALL, durationSeconds: 8.59, numSpeakersHint: 2, ...overrides };
}

function outcomes(attempts: Array<{ source: string; outcome: string; errorCode?: string }>) {
  return attempts.map(({ source, outcome, errorCode }) =>
    errorCode ? { source, outcome, errorCode } : { source, outcome },
  );
}

describe("diarizeWithFallback", () => {
  it("uses the first source that finds turns", async () => {
    const sources = [
      await pyannote(),
      createTranscriptionSpeakerSource(),
      createStereoChannelSource(stereo),
      createSingleSpeakerSource(),
    ];

    const { result, attempts } = await diarizeWithFallback(sources, request({ transcription: labelledTranscription }));

    expect(result.source).toBe("PYANNOTE");
    expect(result.turns.map((turn) => turn.speaker)).toEqual(["SPEAKER_00", "SPEAKER_01"]);
    expect(outcomes(attempts)).toEqual([{ source: "PYANNOTE", outcome: "USED" }]);
    expect(attempts[0]!.elapsedMs).toBeGreaterThanOrEqual(0);
    expect(fake!.diarizeBodies[0]).toMatchObject({ numSpeakers: 2 });
  });

  it("falls through a failing pyannote to the transcription's speaker labels", async () => {
    const sources = [
      await pyannote({ apiKey: "revoked" }),
      createTranscriptionSpeakerSource(),
      createSingleSpeakerSource(),
    ];

    const { result, attempts } = await diarizeWithFallback(sources, request({ transcription: labelledTranscription }));

    expect(outcomes(attempts)).toEqual([
      { source: "PYANNOTE", outcome: "FAILED", errorCode: "diarization_auth_failed" },
      { source: "TRANSCRIPTION_PROVIDER", outcome: "USED" },
    ]);
    expect(result).toEqual({
      turns: [
        { speaker: "A", start: 0.5, end: 1.98 },
        { speaker: "B", start: 2.43, end: 4.43 },
      ],
      source: "TRANSCRIPTION_PROVIDER",
      provider: "openai-compatible",
    });
  });

  it("reaches the stereo channels of a real two-party recording when the others do not apply", async () => {
    const sources = [
      await pyannote({ maxAudioSeconds: 5 }),
      createTranscriptionSpeakerSource(),
      createStereoChannelSource(stereo),
      createSingleSpeakerSource(),
    ];

    const { result, attempts } = await diarizeWithFallback(
      sources,
      request({ transcription: unlabelledTranscription }),
    );

    expect(outcomes(attempts)).toEqual([
      { source: "PYANNOTE", outcome: "NOT_APPLICABLE" },
      { source: "TRANSCRIPTION_PROVIDER", outcome: "NOT_APPLICABLE" },
      { source: "STEREO_CHANNELS", outcome: "USED" },
    ]);
    expect(fake!.calls).toHaveLength(0);
    expect(result.source).toBe("STEREO_CHANNELS");
    // The fixture alternates left, right, left, right, starting at 0.5 s.
    expect(result.turns.map((turn) => turn.speaker)).toEqual(["left", "right", "left", "right"]);
    expect(result.turns[0]!.start).toBeCloseTo(0.5, 0);
  });

  it("ends with one speaker when nothing else applies, even without a single-speaker source", async () => {
    const sources = [createTranscriptionSpeakerSource(), createStereoChannelSource(stereo)];

    const { result, attempts } = await diarizeWithFallback(
      sources,
      request({ filePath: MONO_TONE, durationSeconds: 3 }),
    );

    expect(outcomes(attempts)).toEqual([
      { source: "TRANSCRIPTION_PROVIDER", outcome: "NOT_APPLICABLE" },
      { source: "STEREO_CHANNELS", outcome: "NOT_APPLICABLE" },
      { source: "SINGLE_SPEAKER", outcome: "USED" },
    ]);
    expect(result).toEqual({
      turns: [{ speaker: "SPEAKER_00", start: 0, end: 3 }],
      source: "SINGLE_SPEAKER",
      provider: "single-speaker",
    });
  });

  it("records a source's failure code, or a generic one for unexpected errors", async () => {
    const brokenStereo = createStereoChannelSource(async () => {
      throw new ProviderError("ffmpeg_timeout", "ffmpeg took too long", true);
    });
    const buggy: DiarizationSource = {
      name: "TRANSCRIPTION_PROVIDER",
      diarize: async () => {
        throw new RangeError("unexpected");
      },
    };

    const { result, attempts } = await diarizeWithFallback(
      [brokenStereo, buggy, createSingleSpeakerSource()],
      request(),
    );

    expect(outcomes(attempts)).toEqual([
      { source: "STEREO_CHANNELS", outcome: "FAILED", errorCode: "ffmpeg_timeout" },
      { source: "TRANSCRIPTION_PROVIDER", outcome: "FAILED", errorCode: "diarization_source_failed" },
      { source: "SINGLE_SPEAKER", outcome: "USED" },
    ]);
    expect(result.source).toBe("SINGLE_SPEAKER");
  });

  it("stops the chain when the caller cancels", async () => {
    const controller = new AbortController();
    // The job never finishes, so the abort lands while pyannote is polling.
    const sources = [await pyannote({ jobStatuses: ["running"] }), createSingleSpeakerSource()];
    setTimeout(() => controller.abort(), 50);

    await expect(diarizeWithFallback(sources, request({ signal: controller.signal }))).rejects.toMatchObject({
      code: "diarization_aborted",
    });
  });
});
