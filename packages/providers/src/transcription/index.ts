export { createOpenAiCompatibleTranscriber, OPENAI_COMPATIBLE_PROVIDER } from "./openAiCompatible";
export type { OpenAiCompatibleTranscriberOptions } from "./openAiCompatible";
export { toIsoLanguageCode } from "./language";
