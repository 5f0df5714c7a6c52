export { toIsoLanguageCode } from "./language";
export type { OpenAiCompatibleTranscriberOptions } from "./openAiCompatible";
export { createOpenAiCompatibleTranscriber, OPENAI_COMPATIBLE_PROVIDER } from "./openAiCompatible";
