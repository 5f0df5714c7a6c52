// The enum module only: the CLI starts without loading the stores.
import { CALL_STATUSES, canonicalLanguageTag, LANGUAGE_TAG_RULE } from "@scryon/db/model";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import type { TargetOptions } from "./calls-command";
import { CliError, ExitCode } from "./exit-codes";
import { AUDIO_EXTENSIONS } from "./inputs";

// Commands load their modules on use: the in-process backend is heavy, and
// help, usage errors and remote calls should not pay for it.
const analyzeCommand = () => import("./analyze");
const callsCommand = () => import("./calls-command");
const searchCommand = () => import("./search-command");

const EXIT_CODES_HELP = `
Exit codes:
  0  success (analyze: every call COMPLETED, or QUEUED when not waiting)
  1  something failed: a call FAILED or a file was refused, a call was not found,
     the server answered an error or could not be reached
  2  usage error: unknown command or option, bad value, no audio files
  3  configuration error: an invalid environment variable, no transcription
     provider (analyze), credentials refused by the server (401/403)

Environment: the server's variables (SCRYON_DATA_DIR, TRANSCRIPTION_BASE_URL,
TRANSCRIPTION_API_KEY, LLM_BASE_URL, …); for remote use SCRYON_URL,
SCRYON_CLIENT_API_KEY and SCRYON_TOKEN stand in for --url, --api-key, --token.`;

const direction = (value: string) => {
  const upper = value.toUpperCase();
  if (upper !== "INCOMING" && upper !== "OUTGOING" && upper !== "UNKNOWN")
    throw new InvalidArgumentError("expected incoming, outgoing or unknown");
  return upper;
};

const languageTag = (value: string) => {
  const tag = canonicalLanguageTag(value);
  if (tag === null) throw new InvalidArgumentError(LANGUAGE_TAG_RULE);
  return tag;
};

/** Repeatable, and each value may be a comma list. */
const vocabularyTerms = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(",")
    .map((term) => term.trim())
    .filter(Boolean),
];

const positiveInt = (value: string) => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > 100)
    throw new InvalidArgumentError("expected an integer from 1 to 100");
  return number;
};

function buildProgram(): Command {
  const program = new Command("scryon")
    .description(
      "Scryon call intelligence from the command line: analyse recordings in-process, read calls locally or from a server.",
    )
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text) })
    .addHelpText("after", EXIT_CODES_HELP);

  program
    .command("analyze")
    .description(
      `Run the whole pipeline in this process on recordings (folders are searched for ${AUDIO_EXTENSIONS.join(" ")})`,
    )
    .argument("<paths...>", "audio files or folders")
    .option("--json", "print machine-readable results on stdout")
    .option(
      "--wait",
      "process the calls now and wait until each is COMPLETED or FAILED (otherwise they are only queued)",
    )
    .option("--data-dir <dir>", "data directory (default: $SCRYON_DATA_DIR or ./var)")
    .option("--title <title>", "title for every call")
    .option("--contact <name>", "contact name for every call (helps speaker naming)")
    .addOption(new Option("--direction <direction>", "incoming, outgoing or unknown").argParser(direction))
    .addOption(
      new Option("--language <tag>", "spoken language of every call (en, hi, pt-BR); default: detected").argParser(
        languageTag,
      ),
    )
    .addOption(
      new Option(
        "--vocabulary <terms>",
        "names and terms likely spoken, for the transcription provider (comma list; repeatable)",
      ).argParser(vocabularyTerms),
    )
    .action(async (paths: string[], options) => {
      exitCode = await (await analyzeCommand()).analyze(paths, options);
    });

  const target = (command: Command) =>
    command
      .option("--json", "print JSON")
      .option("--data-dir <dir>", "local data directory (default: $SCRYON_DATA_DIR or ./var)")
      .addOption(new Option("--url <url>", "a Scryon server instead of the local data directory").env("SCRYON_URL"))
      .addOption(new Option("--api-key <key>", "the server's API key (X-Scryon-Api-Key)").env("SCRYON_CLIENT_API_KEY"))
      .addOption(new Option("--token <token>", "a Firebase ID token").env("SCRYON_TOKEN"));

  const calls = program
    .command("calls")
    .description("Read and delete calls, locally (in-process) or on a server (--url)");
  target(calls.command("list").description("List calls, newest first"))
    .option("--limit <n>", "page size (1–100)", positiveInt)
    .option("--all", "follow every page")
    .addOption(new Option("--status <status>").choices(CALL_STATUSES))
    .action(async (options) => (await callsCommand()).listCalls(options));
  target(calls.command("show").description("Show a call").argument("<id>")).action(
    async (id: string, options: TargetOptions) => (await callsCommand()).showCall(id, options),
  );
  target(calls.command("transcript").description("Print a call's transcript").argument("<id>"))
    .addOption(new Option("--format <format>", "output format").choices(["text", "srt", "vtt", "json"]).default("text"))
    .action(async (id: string, options) => (await callsCommand()).showTranscript(id, options));
  target(calls.command("analysis").description("Print a call's analysis (JSON) or its share digest").argument("<id>"))
    .addOption(new Option("--format <format>", "output format").choices(["json", "markdown", "text"]).default("json"))
    .action(async (id: string, options) => (await callsCommand()).showAnalysis(id, options));
  target(calls.command("delete").description("Delete a call, its artifacts and action items").argument("<id>")).action(
    async (id: string, options: TargetOptions) => (await callsCommand()).deleteCall(id, options),
  );

  target(
    program
      .command("search")
      .description('Search the transcripts, summaries and action items of your calls ("phrase", prefix*)')
      .argument("<query>"),
  )
    .option("--limit <n>", "page size (1–100)", positiveInt)
    .option("--all", "follow every page")
    .option("--from <instant>", "only calls created at or after this ISO-8601 instant")
    .option("--to <instant>", "only calls created before this ISO-8601 instant")
    .action(async (query: string, options) => (await searchCommand()).searchCalls(query, options));

  program
    .command("serve")
    .description("Start the server (API and workers), like npm start")
    .option("--port <port>", "listen port (default: $PORT or 8080)")
    .option("--host <host>", "listen address (default: $HOST or 127.0.0.1)")
    .option("--data-dir <dir>", "data directory (default: $SCRYON_DATA_DIR or ./var)")
    .action(async (options) => (await import("./serve")).serve(options));

  return program;
}

let exitCode: number = ExitCode.ok;

/** Runs the CLI and returns the process exit code (never throws). */
export async function run(argv: string[]): Promise<number> {
  exitCode = ExitCode.ok;
  // `scryon calls list | head -1`: the reader has gone, so there is nothing left to say
  // to it. Exit quietly, as Unix tools do, instead of crashing on the write.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(ExitCode.ok);
    throw error;
  });
  try {
    await buildProgram().parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; every parsing problem is a usage error.
      return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
    }
    if (error instanceof CliError) {
      process.stderr.write(`scryon: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `scryon: unexpected error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    return ExitCode.failed;
  }
}
