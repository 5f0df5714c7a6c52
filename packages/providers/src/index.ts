export * from "./types";
export * from "./audio";
export * from "./transcription";
export * from "./diarization";
