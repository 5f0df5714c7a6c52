import { describe, expect, it } from "vitest";
import type { DiarizationRequest, SpeakerTurn, TranscriptionResult } from "../types";
import { ProviderError } from "../types";
import { createSingleSpeakerSource } from "./singleSpeaker";
import { createStereoChannelSource } from "./stereoChannelSource";
import { createTranscriptionSpeakerSource } from "./transcriptionSpeakerSource";

function transcription(overrides: Partial<TranscriptionResult> = {}): TranscriptionResult {
  return {
    language: "en",
    durationSeconds: null,
    text: "",
    words: [],
    segments: [],
    provider: "openai-compatible",
    model: "whisper-1",
    ...overrides,
  };
}

function request(overrides: Partial<DiarizationRequest> = {}): DiarizationRequest {
  return { filePath: "/nonexistent/call.wav", durationSeconds: null, ...overrides };
}

describe("createTranscriptionSpeakerSource", () => {
  const source = createTranscriptionSpeakerSource();

  it("merges consecutive words of one speaker into turns, skipping unlabelled words", async () => {
    const result = await source.diarize(
      request({
        transcription: transcription({
          words: [
            { text: "Hello", start: 0.1, end: 0.4, speaker: "A" },
            { text: "there", start: 0.4, end: 0.8, speaker: "A" },
            { text: "um", start: 0.9, end: 1.0 },
            { text: "Hi", start: 1.2, end: 1.4, speaker: "B" },
            { text: "again", start: 1.5, end: 1.9, speaker: "B" },
            { text: "Bye", start: 2.5, end: 2.8, speaker: "A" },
          ],
          segments: [{ text: "Hello there um Hi again Bye", start: 0.1, end: 2.8, speaker: "Z" }],
        }),
      }),
    );

    expect(result).toEqual({
      turns: [
        { speaker: "A", start: 0.1, end: 0.8 },
        { speaker: "B", start: 1.2, end: 1.9 },
        { speaker: "A", start: 2.5, end: 2.8 },
      ],
      source: "TRANSCRIPTION_PROVIDER",
      provider: "openai-compatible",
    });
  });

  it("falls back to segment labels when words carry none", async () => {
    const result = await source.diarize(
      request({
        transcription: transcription({
          words: [{ text: "Good", start: 0.2, end: 0.5 }],
          segments: [
            { text: "Hi, my order is late.", start: 2.3, end: 4.8, speaker: "B" },
            { text: "Good morning, support.", start: 0.2, end: 1.9, speaker: "A" },
            { text: "Let me check.", start: 5.0, end: 6.0, speaker: "A" },
          ],
        }),
      }),
    );

    expect(result?.turns).toEqual([
      { speaker: "A", start: 0.2, end: 1.9 },
      { speaker: "B", start: 2.3, end: 4.8 },
      { speaker: "A", start: 5.0, end: 6.0 },
    ]);
  });

  it("does not apply without a transcription or without labels", async () => {
    expect(await source.diarize(request())).toBeNull();
    expect(
      await source.diarize(
        request({
          transcription: transcription({
            words: [{ text: "Hello", start: 0, end: 0.5, speaker: null }],
            segments: [{ text: "Hello", start: 0, end: 0.5 }],
          }),
        }),
      ),
    ).toBeNull();
  });
});

describe("createStereoChannelSource", () => {
  it("passes the file and the caller's signal to the channel analysis and orders its turns", async () => {
    const seen: Array<{ filePath: string; signal: AbortSignal | undefined }> = [];
    const controller = new AbortController();
    const source = createStereoChannelSource(async (filePath, signal) => {
      seen.push({ filePath, signal });
      return [
        { speaker: "right", start: 2.4, end: 4.4 },
        { speaker: "left", start: 0.5, end: 2.0 },
      ];
    });

    const result = await source.diarize(request({ filePath: "/data/a.wav", signal: controller.signal }));

    expect(seen).toEqual([{ filePath: "/data/a.wav", signal: controller.signal }]);
    expect(result).toEqual({
      turns: [
        { speaker: "left", start: 0.5, end: 2.0 },
        { speaker: "right", start: 2.4, end: 4.4 },
      ],
      source: "STEREO_CHANNELS",
      provider: "stereo-channels",
    });
  });

  it("does not apply when the analysis finds no usable stereo", async () => {
    expect(await createStereoChannelSource(async () => null).diarize(request())).toBeNull();
    expect(await createStereoChannelSource(async (): Promise<SpeakerTurn[]> => []).diarize(request())).toBeNull();
  });

  it("lets analysis failures through for the fallback chain to record", async () => {
    const source = createStereoChannelSource(async () => {
      throw new ProviderError("ffmpeg_failed", "ffmpeg exited with an error");
    });
    await expect(source.diarize(request())).rejects.toMatchObject({ code: "ffmpeg_failed" });
  });
});

describe("createSingleSpeakerSource", () => {
  const source = createSingleSpeakerSource();

  it("spans the known duration", async () => {
    expect(await source.diarize(request({ durationSeconds: 42.5 }))).toEqual({
      turns: [{ speaker: "SPEAKER_00", start: 0, end: 42.5 }],
      source: "SINGLE_SPEAKER",
      provider: "single-speaker",
    });
  });

  it("uses the transcription's duration, then its last timed word or segment", async () => {
    const withDuration = await source.diarize(request({ transcription: transcription({ durationSeconds: 12 }) }));
    expect(withDuration?.turns).toEqual([{ speaker: "SPEAKER_00", start: 0, end: 12 }]);

    const fromSpans = await source.diarize(
      request({
        transcription: transcription({
          words: [{ text: "Hi", start: 1, end: 7.5 }],
          segments: [{ text: "Hi", start: 1, end: 8.25 }],
        }),
      }),
    );
    expect(fromSpans?.turns).toEqual([{ speaker: "SPEAKER_00", start: 0, end: 8.25 }]);
  });

  it("still answers when nothing about the length is known", async () => {
    expect((await source.diarize(request()))?.turns).toEqual([{ speaker: "SPEAKER_00", start: 0, end: 0 }]);
  });
});
