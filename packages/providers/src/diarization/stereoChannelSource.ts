import type { DiarizationSource, SpeakerTurn } from "../types";
import { orderTurns } from "./turns";

export const STEREO_CHANNELS_PROVIDER = "stereo-channels";

/** Finds turns from a two-channel recording; null when the recording is not a usable stereo call. */
export type StereoDiarizer = (filePath: string, signal?: AbortSignal) => Promise<SpeakerTurn[] | null>;

/**
 * Wraps the ffmpeg channel analysis (injected, e.g. `audio`'s `diarizeStereoChannels`
 * bound to an ffmpeg path and timeout) as a diarization source.
 */
export function createStereoChannelSource(diarizeStereo: StereoDiarizer): DiarizationSource {
  return {
    name: "STEREO_CHANNELS",
    async diarize(request) {
      const turns = await diarizeStereo(request.filePath, request.signal);
      const ordered = orderTurns(turns ?? []);
      return ordered.length > 0
        ? { turns: ordered, source: "STEREO_CHANNELS", provider: STEREO_CHANNELS_PROVIDER }
        : null;
    },
  };
}
