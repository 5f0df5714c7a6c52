/** Exit codes scripts can rely on (documented in `scryon --help`). */
export const ExitCode = {
  /** Everything asked for succeeded (analyze: every call completed, or was queued without --wait). */
  ok: 0,
  /** The command ran but something failed: a call FAILED or was refused, a call was not found, the server answered an error. */
  failed: 1,
  /** Bad arguments: unknown command or option, no audio files, a value out of range. */
  usage: 2,
  /** Bad configuration: an invalid environment variable, no transcription provider, rejected credentials. */
  config: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with a given exit code and a one-line message (no stack). */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(ExitCode.usage, message);
export const configError = (message: string) => new CliError(ExitCode.config, message);
