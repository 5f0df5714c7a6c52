/** Test helpers for other packages' tests: `@scryon/providers/testing`. */
export { type FakePyannote, type FakePyannoteOptions, startFakePyannote } from "./diarization/testing/fakePyannote";
