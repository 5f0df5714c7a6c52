export * from "./audio";
export * from "./diarization";
export * from "./transcription";
export * from "./types";
