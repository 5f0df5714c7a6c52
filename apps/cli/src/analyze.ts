import fs from "node:fs";
import {
  type ApiDeps,
  createCaller,
  createInProcessContext,
  LOCAL_DEV_PRINCIPAL,
  storeAudio,
  submitCall,
  toApiError,
} from "@scryon/api";
import { TERMINAL_STATUSES } from "@scryon/db/model";
import { createRuntime } from "@scryon/runtime";
import { configError, ExitCode } from "./exit-codes";
import { expandAudioInputs } from "./inputs";
import { loadCliConfig } from "./local";
import { createProgress } from "./progress";

export interface AnalyzeOptions {
  json?: boolean;
  wait?: boolean;
  dataDir?: string;
  title?: string;
  contact?: string;
  direction?: "INCOMING" | "OUTGOING" | "UNKNOWN";
  /** Transcription hints for every call (docs/contract.md § Upload metadata). */
  language?: string;
  vocabulary?: string[];
  /** How often to look at the statuses while waiting. */
  pollMs?: number;
}

export interface AnalyzeResult {
  file: string;
  callId: string | null;
  /** A call status, or REJECTED when the file was refused before a call existed. */
  status: string;
  errorReason: string | null;
}

const TERMINAL = new Set<string>([...TERMINAL_STATUSES, "REJECTED"]);

/**
 * `scryon analyze`: stores each recording and queues it exactly as an upload
 * would (storeAudio + submitCall), then, with --wait, runs the pipeline
 * workers in this process until every call is terminal. No server is involved.
 */
export async function analyze(inputs: string[], options: AnalyzeOptions): Promise<number> {
  const files = await expandAudioInputs(inputs);
  const config = loadCliConfig(options);
  if (!config.transcription)
    throw configError(
      "No transcription provider: set TRANSCRIPTION_BASE_URL (and TRANSCRIPTION_API_KEY) to an OpenAI-compatible endpoint",
    );

  const runtime = await createRuntime(config);
  const progress = options.json ? null : createProgress(files);
  try {
    const deps = runtime.apiDeps;
    const user = await deps.store.users.findOrCreate(LOCAL_DEV_PRINCIPAL);
    if (options.wait) await runtime.startBackground();

    const results: AnalyzeResult[] = [];
    for (const file of files) {
      progress?.update(file, "STORING");
      const result = await submitFile(deps, user, file, options);
      results.push(result);
      progress?.update(file, result.status);
    }

    if (options.wait) {
      const caller = createCaller(createInProcessContext(deps));
      const pending = () => results.filter((result) => result.callId && !TERMINAL.has(result.status));
      while (pending().length > 0) {
        await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 200));
        const ids = pending().map((result) => result.callId!);
        const { items } = await caller.calls.status({ ids: ids.join(",") });
        for (const item of items) {
          const result = results.find((r) => r.callId === item.callId)!;
          result.status = item.status;
          progress?.update(result.file, item.status);
        }
      }
      for (const result of results.filter((r) => r.status === "FAILED" && r.callId)) {
        result.errorReason = (await caller.calls.get({ id: result.callId! })).errorReason;
      }
    }
    progress?.stop();
    printResults(results, options);
    const ok = results.every((result) => result.status === (options.wait ? "COMPLETED" : "QUEUED"));
    return ok ? ExitCode.ok : ExitCode.failed;
  } finally {
    progress?.stop();
    await runtime.close();
  }
}

async function submitFile(
  deps: ApiDeps,
  user: Awaited<ReturnType<ApiDeps["store"]["users"]["findOrCreate"]>>,
  file: string,
  options: AnalyzeOptions,
): Promise<AnalyzeResult> {
  try {
    const audio = await storeAudio(deps, user, fs.createReadStream(file));
    const metadata = {
      ...(options.title !== undefined && { title: options.title }),
      ...(options.contact !== undefined && { contactName: options.contact }),
      ...(options.direction !== undefined && { direction: options.direction }),
      ...(options.language !== undefined && { language: options.language }),
      ...(options.vocabulary !== undefined && { vocabulary: options.vocabulary }),
    };
    const { body } = await submitCall(deps, user, { audio, metadata, title: undefined, idempotencyKey: null });
    return { file, callId: body.callId, status: body.status, errorReason: null };
  } catch (error) {
    return { file, callId: null, status: "REJECTED", errorReason: toApiError(error).code };
  }
}

function printResults(results: AnalyzeResult[], options: AnalyzeOptions) {
  if (options.json) {
    const count = (status: string) => results.filter((result) => result.status === status).length;
    const summary = {
      total: results.length,
      completed: count("COMPLETED"),
      failed: count("FAILED"),
      rejected: count("REJECTED"),
      queued: count("QUEUED"),
    };
    process.stdout.write(`${JSON.stringify({ results, summary }, null, 2)}\n`);
    return;
  }
  for (const result of results) {
    const reason = result.errorReason ? `  ${result.errorReason}` : "";
    process.stdout.write(`${result.status.padEnd(10)} ${result.callId ?? "-".padEnd(36)}  ${result.file}${reason}\n`);
  }
}
