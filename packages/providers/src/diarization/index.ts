export type { DiarizationAttempt, DiarizationAttemptOutcome, DiarizationOutcome } from "./fallback";
export { diarizeWithFallback } from "./fallback";
export type { PyannoteDiarizationOptions } from "./pyannote";
export { createPyannoteDiarizationSource, PYANNOTE_PROVIDER } from "./pyannote";
export { createSingleSpeakerSource, SINGLE_SPEAKER_LABEL, SINGLE_SPEAKER_PROVIDER } from "./singleSpeaker";
export type { StereoDiarizer } from "./stereoChannelSource";
export { createStereoChannelSource, STEREO_CHANNELS_PROVIDER } from "./stereoChannelSource";
export { createTranscriptionSpeakerSource } from "./transcriptionSpeakerSource";
