export { locateFfmpeg, clearFfmpegLocationCache } from "./locateFfmpeg";
export type { FfmpegLocation, FfmpegSource, LocateFfmpegOptions } from "./locateFfmpeg";
export { probeAudio } from "./probeAudio";
export type { AudioProbe, ProbeAudioOptions } from "./probeAudio";
export {
  preprocessAudio,
  buildPreprocessingFilters,
  DEFAULT_HIGHPASS_HZ,
  DEFAULT_DENOISE_NR_DB,
  DEFAULT_LOUDNESS_TARGET,
  PREPROCESSED_SAMPLE_RATE,
} from "./preprocessAudio";
export type { LoudnessTarget, PreprocessAudioOptions, PreprocessedAudio } from "./preprocessAudio";
export { diarizeStereoChannels, LEFT_CHANNEL_SPEAKER, RIGHT_CHANNEL_SPEAKER } from "./stereoChannels";
export type { DiarizeStereoChannelsOptions } from "./stereoChannels";
