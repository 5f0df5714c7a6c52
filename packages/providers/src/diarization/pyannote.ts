import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { z } from "zod";
import type { DiarizationRequest, DiarizationResult, DiarizationSource } from "../types";
import { ProviderError } from "../types";
import { orderTurns } from "./turns";

export interface PyannoteDiarizationOptions {
  apiKey: string;
  /** Default `https://api.pyannote.ai`. */
  baseURL?: string;
  /** Wait between job status polls. Default 5 s (the API rate-limits polling). */
  pollIntervalMs?: number;
  /** The whole run: upload, job and polling. Default 15 min. */
  timeoutMs?: number;
  /** Longer recordings are skipped (null) rather than sent. Default 24 h, the API's own limit. */
  maxAudioSeconds?: number;
  /** e.g. `precision-2`; omitted → the API's default model. */
  model?: string;
  /** Retries of one HTTP call on 5xx, 429 or network faults. Default 2. */
  maxRetries?: number;
  /** First retry delay; later retries wait proportionally longer. Default 1 s. */
  retryDelayMs?: number;
}

export const PYANNOTE_PROVIDER = "pyannoteai";

const DEFAULTS = {
  baseURL: "https://api.pyannote.ai",
  pollIntervalMs: 5_000,
  timeoutMs: 15 * 60_000,
  maxAudioSeconds: 24 * 60 * 60,
  maxRetries: 2,
  retryDelayMs: 1_000,
} as const;

const turnSchema = z.object({ speaker: z.string(), start: z.number(), end: z.number() });
const mediaInputSchema = z.object({ url: z.url() });
const jobCreatedSchema = z.object({ jobId: z.string().min(1), status: z.string() });
const jobSchema = z.object({
  jobId: z.string().optional(),
  status: z.string(),
  output: z
    .object({
      diarization: z.array(turnSchema).nullish(),
      exclusiveDiarization: z.array(turnSchema).nullish(),
    })
    .nullish(),
});
type JobOutput = NonNullable<z.infer<typeof jobSchema>["output"]>;

/** Signals of one diarization run: the caller's cancellation and our own deadline. */
interface Run {
  signal: AbortSignal;
  callerSignal: AbortSignal | undefined;
  deadline: AbortSignal;
}

/**
 * Speaker diarization by the pyannoteAI API: upload to its temporary media
 * storage, submit a job (exclusive turns, speaker-count hint), poll until done.
 */
export function createPyannoteDiarizationSource(options: PyannoteDiarizationOptions): DiarizationSource {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const apiBase = settings.baseURL.replace(/\/+$/, "");

  async function withRetries<T>(run: Run, call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const failure = classifyDiarizationError(error, run);
        if (!failure.retryable || attempt >= settings.maxRetries || run.signal.aborted) throw failure;
        await sleep(settings.retryDelayMs * (attempt + 1), run.signal);
      }
    }
  }

  function callApi<T>(run: Run, method: "GET" | "POST", path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    return withRetries(run, async () => {
      const response = await fetch(`${apiBase}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${settings.apiKey}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: run.signal,
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw httpFailure(response.status);
      }
      const parsed = schema.safeParse(await response.json());
      if (!parsed.success) throw invalidResponse(parsed.error);
      return parsed.data;
    });
  }

  async function upload(run: Run, uploadUrl: string, filePath: string, size: number): Promise<void> {
    await withRetries(run, async () => {
      const status = await putFile(uploadUrl, filePath, size, run.signal);
      if (status < 200 || status >= 300) {
        throw status >= 500 || status === 429
          ? httpFailure(status)
          : new ProviderError("diarization_upload_failed", `Media storage refused the upload (HTTP ${status})`);
      }
    });
  }

  async function waitForJob(run: Run, jobId: string): Promise<JobOutput> {
    for (;;) {
      await sleep(settings.pollIntervalMs, run.signal);
      const job = await callApi(run, "GET", `/v1/jobs/${encodeURIComponent(jobId)}`, undefined, jobSchema);
      if (job.status === "succeeded") {
        if (!job.output) throw invalidResponse();
        return job.output;
      }
      if (job.status === "failed") throw new ProviderError("diarization_job_failed", "Diarization job failed");
      if (job.status === "canceled")
        throw new ProviderError("diarization_job_canceled", "Diarization job was canceled");
      // pending, created, running: keep polling.
    }
  }

  async function diarize(request: DiarizationRequest): Promise<DiarizationResult | null> {
    if (request.durationSeconds !== null && request.durationSeconds > settings.maxAudioSeconds) return null;
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), settings.timeoutMs);
    const run: Run = {
      signal: request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal,
      callerSignal: request.signal,
      deadline: deadline.signal,
    };
    try {
      const size = await fileSize(request.filePath);
      // A random key: the media name must never carry anything about the call.
      const mediaUrl = `media://scryon-${randomUUID()}`;
      const { url: uploadUrl } = await callApi(run, "POST", "/v1/media/input", { url: mediaUrl }, mediaInputSchema);
      await upload(run, uploadUrl, request.filePath, size);
      const job = await callApi(
        run,
        "POST",
        "/v1/diarize",
        {
          url: mediaUrl,
          // Exclusive turns (one speaker at a time) are what word alignment needs.
          exclusive: true,
          ...(request.numSpeakersHint ? { numSpeakers: request.numSpeakersHint } : {}),
          ...(settings.model ? { model: settings.model } : {}),
        },
        jobCreatedSchema,
      );
      const output = await waitForJob(run, job.jobId);
      const raw = output.exclusiveDiarization ?? output.diarization;
      if (!raw) throw invalidResponse();
      const turns = orderTurns(raw);
      // No speech found: let the next source decide rather than ship an empty diarization.
      return turns.length > 0 ? { turns, source: "PYANNOTE", provider: PYANNOTE_PROVIDER } : null;
    } catch (error) {
      throw classifyDiarizationError(error, run);
    } finally {
      clearTimeout(timer);
    }
  }

  return { name: "PYANNOTE", diarize };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

async function fileSize(filePath: string): Promise<number> {
  try {
    return (await stat(filePath)).size;
  } catch (error) {
    throw new ProviderError("diarization_file_unreadable", "Audio file could not be read", false, { cause: error });
  }
}

/**
 * PUTs the file to the presigned URL as a stream with an explicit Content-Length:
 * object stores reject chunked uploads, and fetch cannot stream with a fixed length.
 */
function putFile(url: string, filePath: string, size: number, signal: AbortSignal): Promise<number> {
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const file = createReadStream(filePath);
    const request = transport.request(
      target,
      { method: "PUT", headers: { "content-length": size }, signal },
      (response) => {
        // The status is the answer; an early reply (a refusal before the body is sent) still counts.
        response.resume();
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("error", (error) => {
      file.destroy();
      reject(error);
    });
    file.on("error", (error) => {
      request.destroy();
      reject(new ProviderError("diarization_file_unreadable", "Audio file could not be read", false, { cause: error }));
    });
    file.pipe(request);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function httpFailure(status: number): ProviderError {
  if (status === 401 || status === 403) {
    return new ProviderError(
      "diarization_auth_failed",
      `Diarization provider refused the credentials (HTTP ${status})`,
    );
  }
  if (status === 429) {
    return new ProviderError("diarization_rate_limited", "Diarization provider is rate limiting (HTTP 429)", true);
  }
  if (status >= 400 && status < 500) {
    return new ProviderError("diarization_http_4xx", `Diarization provider rejected the request (HTTP ${status})`);
  }
  return new ProviderError("diarization_unavailable", `Diarization provider failed (HTTP ${status})`, true);
}

function invalidResponse(cause?: unknown): ProviderError {
  return new ProviderError(
    "diarization_invalid_response",
    "Diarization provider answered with an unexpected body",
    false,
    { cause },
  );
}

function classifyDiarizationError(error: unknown, run: Run): ProviderError {
  if (run.callerSignal?.aborted)
    return new ProviderError("diarization_aborted", "Diarization was cancelled", false, { cause: error });
  if (run.deadline.aborted)
    return new ProviderError("diarization_timeout", "Diarization did not finish in time", true, { cause: error });
  if (error instanceof ProviderError) return error;
  if (error instanceof SyntaxError) return invalidResponse(error);
  // fetch reports refused, reset and cut-off connections as TypeError; node:http as errno errors.
  if (error instanceof TypeError || (error instanceof Error && "code" in error)) {
    return new ProviderError("diarization_unavailable", "Diarization provider is unreachable", true, { cause: error });
  }
  return new ProviderError("diarization_failed", "Diarization failed unexpectedly", false, { cause: error });
}
