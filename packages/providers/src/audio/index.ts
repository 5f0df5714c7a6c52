export type { DetectSilencesOptions, Silence } from "./detectSilences";
export { detectSilences } from "./detectSilences";
export type { EncodeForUploadOptions, UploadAudioFormat } from "./encodeForUpload";
export { encodeForUpload, UPLOAD_AUDIO_FORMATS, uploadFormatSpec } from "./encodeForUpload";
export type { FfmpegLocation, FfmpegSource, LocateFfmpegOptions } from "./locateFfmpeg";
export { clearFfmpegLocationCache, locateFfmpeg } from "./locateFfmpeg";
export type { LoudnessTarget, PreprocessAudioOptions, PreprocessedAudio } from "./preprocessAudio";
export {
  buildPreprocessingFilters,
  DEFAULT_DENOISE_NR_DB,
  DEFAULT_HIGHPASS_HZ,
  DEFAULT_LOUDNESS_TARGET,
  PREPROCESSED_SAMPLE_RATE,
  preprocessAudio,
} from "./preprocessAudio";
export type { AudioProbe, ProbeAudioOptions } from "./probeAudio";
export { probeAudio } from "./probeAudio";
export type { DiarizeStereoChannelsOptions } from "./stereoChannels";
export { diarizeStereoChannels, LEFT_CHANNEL_SPEAKER, RIGHT_CHANNEL_SPEAKER } from "./stereoChannels";
