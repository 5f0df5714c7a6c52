export type { AssemblyAiTranscriberOptions } from "./assemblyAi";
export { ASSEMBLYAI_PROVIDER, createAssemblyAiTranscriber } from "./assemblyAi";
export type {
  ChunkedTranscription,
  ChunkedTranscriptionOptions,
  TranscriptionChunk,
  TranscriptionLimits,
} from "./chunkedTranscription";
export { HARD_CUT_OVERLAP_SECONDS, planChunks, stitchChunks, transcribeInChunks } from "./chunkedTranscription";
export type { DeepgramTranscriberOptions } from "./deepgram";
export { createDeepgramTranscriber, DEEPGRAM_PROVIDER } from "./deepgram";
export { toIsoLanguageCode } from "./language";
export type { OpenAiCompatibleTranscriberOptions } from "./openAiCompatible";
export { createOpenAiCompatibleTranscriber, OPENAI_COMPATIBLE_PROVIDER } from "./openAiCompatible";
