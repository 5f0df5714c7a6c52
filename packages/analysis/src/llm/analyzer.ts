import OpenAI from "openai";
import { z } from "zod";
import { groundDocument } from "../grounding";
import { ANALYSIS_SCHEMA_VERSION, type AnalysisDocument, analysisDocumentSchema } from "../schema";
import {
  AnalysisError,
  type AnalysisInput,
  type AnalysisOutcome,
  type AnalyzeOptions,
  type Analyzer,
  type TokenUsage,
} from "../types";
import { buildMessages } from "./prompt";
import { pseudonymize } from "./pseudonymize";

export interface LlmAnalyzerOptions {
  baseURL: string;
  apiKey: string;
  model: string;
  /** Default 0.2 (docs/contract.md § Analysis document). */
  temperature?: number;
  /** Per attempt; default 120 s. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/** The response_format schema, generated once from the zod schema so the two cannot drift. */
const RESPONSE_JSON_SCHEMA = (() => {
  const { $schema: _ignored, ...schema } = z.toJSONSchema(analysisDocumentSchema, { unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return schema;
})();

/**
 * Analysis through any OpenAI-compatible chat completions endpoint. One retry on
 * network errors, timeouts, 5xx and unusable answers; 4xx fails at once. The SDK's own
 * retries are off so the attempt count is exactly ours.
 */
export function createLlmAnalyzer(options: LlmAnalyzerOptions): Analyzer {
  const client = new OpenAI({
    baseURL: options.baseURL,
    apiKey: options.apiKey,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const temperature = options.temperature ?? 0.2;

  async function attempt(
    input: AnalysisInput,
    signal: AbortSignal | undefined,
  ): Promise<{ document: AnalysisDocument; usage?: TokenUsage }> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    // Real names never leave the process; the answer is mapped back before validation.
    const pseudonymous = pseudonymize(input);
    try {
      completion = await client.chat.completions.create(
        {
          model: options.model,
          temperature,
          messages: buildMessages(pseudonymous.input),
          response_format: {
            type: "json_schema",
            json_schema: { name: "call_analysis_v3", schema: RESPONSE_JSON_SCHEMA, strict: false },
          },
        },
        signal ? { signal } : undefined,
      );
    } catch (error) {
      throw toAnalysisError(error, signal);
    }
    const usage = completion.usage
      ? {
          promptTokens: completion.usage.prompt_tokens,
          completionTokens: completion.usage.completion_tokens,
          totalTokens: completion.usage.total_tokens,
        }
      : undefined;
    const choice = completion.choices?.[0];
    const content = choice?.message?.content;
    if (!choice || typeof content !== "string" || choice.finish_reason === "length") {
      throw withUsage(
        new AnalysisError("llm_invalid_response", { retryable: true, message: "LLM answer missing or truncated" }),
        usage,
      );
    }
    let parsed: unknown;
    try {
      parsed = pseudonymous.restore(JSON.parse(stripCodeFence(content)) as unknown);
    } catch (cause) {
      throw withUsage(
        new AnalysisError("llm_invalid_response", { retryable: true, message: "LLM answer is not JSON", cause }),
        usage,
      );
    }
    const validated = analysisDocumentSchema.safeParse(parsed);
    if (!validated.success) {
      throw withUsage(
        new AnalysisError("llm_invalid_response", {
          retryable: true,
          message: "LLM answer does not match the analysis schema",
        }),
        usage,
      );
    }
    const document = groundDocument({ ...validated.data, schemaVersion: ANALYSIS_SCHEMA_VERSION }, input);
    return usage ? { document, usage } : { document };
  }

  return {
    name: "llm",
    model: options.model,
    async analyze(input: AnalysisInput, analyzeOptions?: AnalyzeOptions): Promise<AnalysisOutcome> {
      const signal = analyzeOptions?.signal;
      const spent: TokenUsage[] = [];
      let lastError: AnalysisError | undefined;
      for (let attemptNumber = 1; attemptNumber <= 2; attemptNumber += 1) {
        try {
          const { document, usage } = await attempt(input, signal);
          if (usage) spent.push(usage);
          const total = sumUsage(spent);
          return total
            ? { document, provider: "llm", model: options.model, usage: total }
            : { document, provider: "llm", model: options.model };
        } catch (error) {
          const failure = error instanceof AnalysisError ? error : toAnalysisError(error, signal);
          const usage = usageOf(failure);
          if (usage) spent.push(usage);
          lastError = failure;
          if (!isRetriedInCall(failure)) break;
        }
      }
      throw lastError ?? new AnalysisError("llm_unavailable", { retryable: true });
    },
  };
}

/** 4xx, aborts and rate limits are not retried here; the pipeline decides what to do with them. */
function isRetriedInCall(error: AnalysisError): boolean {
  return ["llm_unavailable", "llm_timeout", "llm_http_5xx", "llm_invalid_response"].includes(error.code);
}

function toAnalysisError(error: unknown, signal: AbortSignal | undefined): AnalysisError {
  if (error instanceof AnalysisError) return error;
  if (signal?.aborted || error instanceof OpenAI.APIUserAbortError) {
    return new AnalysisError("llm_aborted", { retryable: true, message: "LLM request aborted", cause: error });
  }
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new AnalysisError("llm_timeout", { retryable: true, message: "LLM request timed out", cause: error });
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new AnalysisError("llm_unavailable", { retryable: true, message: "LLM endpoint unreachable", cause: error });
  }
  if (error instanceof OpenAI.APIError && typeof error.status === "number") {
    const status = error.status;
    if (status === 401 || status === 403)
      return new AnalysisError("llm_auth_failed", {
        retryable: false,
        message: `LLM rejected credentials (${status})`,
      });
    if (status === 429)
      return new AnalysisError("llm_rate_limited", { retryable: true, message: "LLM rate limit (429)" });
    if (status >= 400 && status < 500)
      return new AnalysisError("llm_http_4xx", { retryable: false, message: `LLM rejected the request (${status})` });
    return new AnalysisError("llm_http_5xx", { retryable: true, message: `LLM server error (${status})` });
  }
  // Anything else the SDK throws (e.g. a non-JSON body) is an unusable answer.
  return new AnalysisError("llm_invalid_response", { retryable: true, message: "LLM answer unusable", cause: error });
}

const usageByError = new WeakMap<AnalysisError, TokenUsage>();

function withUsage(error: AnalysisError, usage: TokenUsage | undefined): AnalysisError {
  if (usage) usageByError.set(error, usage);
  return error;
}

function usageOf(error: AnalysisError): TokenUsage | undefined {
  return usageByError.get(error);
}

function sumUsage(all: TokenUsage[]): TokenUsage | undefined {
  if (all.length === 0) return undefined;
  return all.reduce((a, b) => ({
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  }));
}

/** Some compatible servers wrap JSON in a Markdown fence despite response_format. */
function stripCodeFence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/i.exec(content);
  return fenced ? fenced[1]! : content;
}
