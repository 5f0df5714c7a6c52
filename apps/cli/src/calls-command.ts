import { type CallsApi, localCallsApi, remoteCallsApi } from "./calls-api";
import { usageError } from "./exit-codes";

export interface TargetOptions {
  url?: string;
  apiKey?: string;
  token?: string;
  dataDir?: string;
  json?: boolean;
}

/** `--url` means a remote server over the typed tRPC client; otherwise the local data dir in-process. */
export async function openCallsApi(options: TargetOptions): Promise<CallsApi> {
  if (!options.url) return localCallsApi({ dataDir: options.dataDir });
  try {
    new URL(options.url);
  } catch {
    throw usageError(`--url is not a URL: ${options.url}`);
  }
  return remoteCallsApi({ url: options.url, apiKey: options.apiKey, token: options.token });
}

export async function withApi<T>(options: TargetOptions, use: (api: CallsApi) => Promise<T>): Promise<T> {
  const api = await openCallsApi(options);
  try {
    return await use(api);
  } finally {
    await api.close();
  }
}

export const print = (text: string) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
export const printJson = (value: unknown) => print(JSON.stringify(value, null, 2));

export async function listCalls(options: TargetOptions & { limit?: number; status?: string; all?: boolean }) {
  await withApi(options, async (api) => {
    const items = [];
    let cursor: string | undefined;
    do {
      const page = await api.list({ limit: options.limit ?? 50, cursor, status: options.status as never });
      items.push(...page.items);
      cursor = options.all ? page.nextCursor : undefined;
    } while (cursor);
    if (options.json) return printJson({ items });
    if (items.length === 0) return print("No calls.");
    for (const call of items)
      print(
        `${call.callId}  ${call.status.padEnd(12)} ${call.createdAt}  ${call.title ?? call.contactName ?? ""}`.trimEnd(),
      );
  });
}

export async function showCall(id: string, options: TargetOptions) {
  await withApi(options, async (api) => {
    const call = await api.get(id);
    if (options.json) return printJson(call);
    for (const [key, value] of Object.entries(call))
      if (value !== undefined && value !== null) print(`${key.padEnd(16)} ${value}`);
  });
}

export async function showTranscript(id: string, options: TargetOptions & { format: string }) {
  await withApi(options, async (api) => {
    if (options.format === "json") return printJson(await api.transcript(id));
    if (options.format !== "srt" && options.format !== "vtt" && options.format !== "text")
      throw usageError(`--format must be one of json, srt, vtt, text`);
    print((await api.transcriptExport(id, options.format)).content);
  });
}

export async function showAnalysis(id: string, options: TargetOptions & { format: string }) {
  await withApi(options, async (api) => {
    if (options.format === "json") return printJson(await api.analysis(id));
    if (options.format !== "markdown" && options.format !== "text")
      throw usageError(`--format must be one of json, markdown, text`);
    print((await api.digest(id, options.format)).content);
  });
}

export async function deleteCall(id: string, options: TargetOptions) {
  await withApi(options, async (api) => {
    await api.delete(id);
    if (options.json) return printJson({ deleted: id });
    print(`Deleted ${id}`);
  });
}
