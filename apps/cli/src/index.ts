export { run } from "./main";
export { ExitCode, CliError } from "./exit-codes";
export { expandAudioInputs, AUDIO_EXTENSIONS } from "./inputs";
