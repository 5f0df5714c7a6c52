/** Test helpers for other packages' tests: `@scryon/providers/testing`. */
export { type FakePyannote, type FakePyannoteOptions, startFakePyannote } from "./diarization/testing/fakePyannote";
export {
  type FakeAssemblyAi,
  type FakeDeepgram,
  startFakeAssemblyAi,
  startFakeDeepgram,
} from "./transcription/testing/fakeHostedTranscription";
export {
  type FakeOpenAiTranscription,
  type FakeOpenAiTranscriptionOptions,
  OPENAI_MAX_BODY_BYTES,
  type OpenAiCompatibleFlavor,
  phrasesOf,
  type ReceivedTranscriptionRequest,
  startFakeOpenAiTranscription,
} from "./transcription/testing/fakeOpenAiTranscription";
export {
  type HeardWord,
  recognizeTones,
  type TonePiece,
  toneSpeech,
  toneWord,
  writeToneRecording,
} from "./transcription/testing/toneRecognizer";
