import type { AppRouter } from "@scryon/api";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import { CliError, configError, ExitCode } from "./exit-codes";
import { loadCliConfig } from "./local";

type Inputs = inferRouterInputs<AppRouter>["calls"];
type Outputs = inferRouterOutputs<AppRouter>["calls"];
type CallList = Outputs["list"];
type CallDetail = Outputs["get"];
type TranscriptExportFormat = Inputs["transcriptExport"]["format"];
type SearchInput = inferRouterInputs<AppRouter>["search"]["query"];
type SearchResult = inferRouterOutputs<AppRouter>["search"]["query"];

/** What `scryon calls …` needs, served in-process or by a remote server through the same router. */
export interface CallsApi {
  list(input: Inputs["list"]): Promise<CallList>;
  get(id: string): Promise<CallDetail>;
  transcript(id: string): Promise<Outputs["transcript"]>;
  transcriptExport(id: string, format: TranscriptExportFormat): Promise<Outputs["transcriptExport"]>;
  analysis(id: string): Promise<Outputs["analysis"]>;
  digest(id: string, format: "markdown" | "text"): Promise<Outputs["digest"]>;
  delete(id: string): Promise<void>;
  search(input: SearchInput): Promise<SearchResult>;
  close(): Promise<void>;
}

export interface RemoteOptions {
  url: string;
  apiKey?: string | undefined;
  token?: string | undefined;
}

/** The typed tRPC client over HTTP (`--url`), with the API key and/or Firebase ID token. */
export function remoteCallsApi(options: RemoteOptions): CallsApi {
  const headers: Record<string, string> = {};
  if (options.apiKey) headers["x-scryon-api-key"] = options.apiKey;
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const client = createTRPCClient<AppRouter>({
    links: [httpLink({ url: new URL("/trpc", options.url).toString(), headers })],
  });
  const calls = client.calls;
  const remote = <T>(promise: Promise<T>) => promise.catch((error: unknown) => Promise.reject(toCliError(error)));
  return {
    list: (input) => remote(calls.list.query(input)),
    get: (id) => remote(calls.get.query({ id })),
    transcript: (id) => remote(calls.transcript.query({ id })),
    transcriptExport: (id, format) => remote(calls.transcriptExport.query({ id, format })),
    analysis: (id) => remote(calls.analysis.query({ id })),
    digest: (id, format) => remote(calls.digest.query({ id, format })),
    delete: (id) => remote(calls.delete.mutate({ id })),
    search: (input) => remote(client.search.query.query(input)),
    close: async () => undefined,
  };
}

/** The router called directly against the local data dir (no server), as the local-dev user. */
export async function localCallsApi(options: { dataDir?: string | undefined }): Promise<CallsApi> {
  const [{ createCaller, createInProcessContext, toApiError }, { createRuntime }] = await Promise.all([
    import("@scryon/api"),
    import("@scryon/runtime"),
  ]);
  const runtime = await createRuntime(loadCliConfig(options));
  const caller = createCaller(createInProcessContext(runtime.apiDeps));
  const calls = caller.calls;
  const local = <T>(promise: Promise<T>) =>
    promise.catch((error: unknown) => {
      if (error instanceof CliError) throw error;
      const apiError = toApiError(error);
      throw new CliError(ExitCode.failed, `${apiError.code}: ${apiError.message}`);
    });
  return {
    list: (input) => local(calls.list(input)),
    get: (id) => local(calls.get({ id })),
    transcript: (id) => local(calls.transcript({ id })),
    transcriptExport: (id, format) => local(calls.transcriptExport({ id, format })),
    analysis: (id) => local(calls.analysis({ id })),
    digest: (id, format) => local(calls.digest({ id, format })),
    delete: (id) => local(calls.delete({ id })),
    search: (input) => local(caller.search.query(input)),
    close: () => runtime.close(),
  };
}

/**
 * Server errors become `code: message` with exit 1; rejected credentials are a
 * configuration problem (exit 3); an unreachable server is exit 1.
 */
function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof TRPCClientError) {
    const body = (error.data as { error?: { code?: string; message?: string }; httpStatus?: number } | undefined) ?? {};
    if (!body.error) return new CliError(ExitCode.failed, `server_unreachable: ${error.message}`);
    const status = body.httpStatus ?? 0;
    const line = `${body.error.code}: ${body.error.message}`;
    return status === 401 || status === 403 ? configError(line) : new CliError(ExitCode.failed, line);
  }
  return new CliError(ExitCode.failed, `unexpected_error: ${error instanceof Error ? error.message : String(error)}`);
}
