export { CliError, ExitCode } from "./exit-codes";
export { AUDIO_EXTENSIONS, expandAudioInputs } from "./inputs";
export { run } from "./main";
