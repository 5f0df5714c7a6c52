export { createPyannoteDiarizationSource, PYANNOTE_PROVIDER } from "./pyannote";
export type { PyannoteDiarizationOptions } from "./pyannote";
export { createTranscriptionSpeakerSource } from "./transcriptionSpeakerSource";
export { createStereoChannelSource, STEREO_CHANNELS_PROVIDER } from "./stereoChannelSource";
export type { StereoDiarizer } from "./stereoChannelSource";
export { createSingleSpeakerSource, SINGLE_SPEAKER_LABEL, SINGLE_SPEAKER_PROVIDER } from "./singleSpeaker";
export { diarizeWithFallback } from "./fallback";
export type { DiarizationAttempt, DiarizationAttemptOutcome, DiarizationOutcome } from "./fallback";
