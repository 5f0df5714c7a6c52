import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type AnalysisDocument, type Analyzer, reconcileActionItemOwners } from "@scryon/analysis";
import {
  type CallRecord,
  type CallStatus,
  callSearchDocuments,
  MAX_VOCABULARY_TERMS,
  type NewActionItem,
  NON_TERMINAL_STATUSES,
  type Store,
} from "@scryon/db";
import {
  type DiarizationSource,
  diarizeWithFallback,
  preprocessAudio,
  type TranscriptionLimits,
  type TranscriptionProvider,
  type TranscriptionResult,
  transcribeInChunks,
} from "@scryon/providers";
import { artifactKey, type ObjectStorage } from "@scryon/storage";
import {
  alignTranscript,
  applySpeakerCorrections,
  assembleTranscriptDocument,
  normalizeTranscript,
  REDACTION_VERSION,
  type RedactionSummary,
  redactAlignedUnits,
  redactTranscriptionResult,
  resolveSpeakers,
  type TranscriptDocument,
  totalRedactions,
  unresolvedSpeakers,
} from "@scryon/transcript";
import { type Egress, errorCodeOf, runStage, type Stage, StageError, skipStage } from "./events";
import { toActionItemRows, toAnalysisInput } from "./mapping";
import { CircuitBreakers, classifyFault, DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs } from "./retry";

export interface PipelineLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PipelineOptions {
  store: Store;
  storage: ObjectStorage;
  /** Null when no provider is configured: calls then fail fast with `transcription_not_configured`. */
  transcriber: TranscriptionProvider | null;
  /** What the transcriber accepts per request; longer or larger audio is split into chunks. */
  transcriptionLimits?: TranscriptionLimits;
  /** Default hints for every call (names and terms), merged with the call's own. */
  transcriptionHints?: { language?: string | null; vocabulary?: readonly string[] };
  /** Tried in order; the last should be the single-speaker source. */
  diarizationSources: DiarizationSource[];
  analyzer: Analyzer;
  /**
   * The hosts behind the outside services, for the egress ledger (docs/contract.md § Egress ledger):
   * transcription and pyannoteAI receive audio, the LLM analyser the (redacted, pseudonymised) transcript.
   */
  egress?: {
    transcription?: { host: string } | null;
    pyannote?: { host: string } | null;
    llm?: { host: string; model: string } | null;
  };
  /** REDACT_PII: spoken personal data is replaced before anything stores or reads the words (default on). */
  redactPii?: boolean;
  audio: {
    preprocessingEnabled: boolean;
    /** Resolves the ffmpeg binary, or null when none can be found (preprocessing is then skipped). */
    ffmpegPath: () => Promise<string | null>;
    highpassHz: number;
    denoiseNrDb: number;
    timeoutMs: number;
  };
  log: PipelineLogger;
  /** Scratch space for preprocessed audio; defaults to the OS temp dir. */
  workDir?: string;
  onStatusChange?: (change: { callId: string; userId: string; status: CallStatus }) => void;
  /** Transient provider faults: retry window, backoff and circuit breaker (docs/contract.md § Pipeline). */
  retry?: Partial<RetryPolicy>;
  /** Awaited after a call becomes COMPLETED or FAILED (webhooks); its failure is logged, never the call's. */
  onCallFinished?: (call: CallFinished) => Promise<void>;
}

/** A call that reached a terminal status, as the webhooks report it (docs/contract.md § Webhooks). */
export interface CallFinished {
  callId: string;
  userId: string;
  status: "COMPLETED" | "FAILED";
  errorReason: string | null;
}

/** What one run of a call asks of the queue: nothing, or to run it again at `retryAt`. */
export type ProcessOutcome =
  | {
      retryAt: Date;
      /** Records the deferral on the call (retryingUntil, attempts, the DEFERRED event); run once the queue holds the wait. */
      record(): Promise<void>;
    }
  | undefined;

export interface Pipeline {
  /** Runs (or re-runs, after a crash) the whole pipeline for one call. Idempotent. */
  processCall(callId: string): Promise<ProcessOutcome>;
  /** Re-runs only the analysis and its side effects from the stored normalised transcript. */
  reanalyze(callId: string): Promise<void>;
}

const NON_TERMINAL = [...NON_TERMINAL_STATUSES];

/** OpenAI's hosted limit, the tightest of the common providers. */
const DEFAULT_TRANSCRIPTION_LIMITS: TranscriptionLimits = {
  maxUploadBytes: 25 * 1024 * 1024,
  maxChunkSeconds: null,
  format: "flac",
  concurrency: 3,
};

/** The audio the transcriber gets: the preprocessed file, or the original when preprocessing was skipped or failed. */
interface PreparedAudio {
  path: string;
  preprocessed: boolean;
  durationSeconds: number | null;
}
type DiarizationTurns = Parameters<typeof alignTranscript>[1];
type NormalizedTranscript = ReturnType<typeof normalizeTranscript>;
type AlignedTranscript = ReturnType<typeof alignTranscript>;

/**
 * The call-processing pipeline (docs/contract.md § Pipeline). Every status change is a
 * compare-and-set, so a duplicated or restarted worker can never make a call
 * diverge: the loser's transition fails and it stops. Stages write artifacts
 * in place and replace action items wholesale, so re-running is safe.
 */
export function createPipeline(options: PipelineOptions): Pipeline {
  const { store, storage, log } = options;
  const workDir = options.workDir ?? os.tmpdir();
  const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  // Per process: every worker of this pipeline shares one breaker per provider.
  const breakers = new CircuitBreakers(policy);
  const NO_RETRY = { retryStage: null, retryAttempts: 0, retryingUntil: null };
  const redactPii = options.redactPii ?? true;

  const transition = async (call: CallRecord, from: CallStatus[], to: CallStatus, fields = {}) => {
    const moved = await store.calls.transition(call.id, from, to, fields);
    if (moved) options.onStatusChange?.({ callId: call.id, userId: call.userId, status: to });
    if (moved && (to === "COMPLETED" || to === "FAILED"))
      await notifyFinished(options, log, {
        callId: call.id,
        userId: call.userId,
        status: to,
        errorReason: (fields as { errorReason?: string | null }).errorReason ?? null,
      });
    return moved;
  };

  const fail = async (call: CallRecord, errorReason: string, failureTransient = false): Promise<undefined> => {
    log.warn({ callId: call.id, errorReason }, "call failed");
    await transition(call, NON_TERMINAL, "FAILED", { errorReason, failureTransient, ...NO_RETRY });
    await discardTempAudio(call);
    return undefined;
  };

  /** Whether the call's retry window for this stage is spent (the last attempt then bypasses the breaker). */
  const windowSpent = (call: CallRecord, stage: Stage) =>
    call.retryStage === stage && call.retryingUntil !== null && Date.now() >= call.retryingUntil.getTime();

  /**
   * Calls a provider through its circuit breaker: while the circuit is open the
   * stage is deferred without a request; transient faults count towards opening it.
   */
  async function guarded<T>(call: CallRecord, stage: Stage, provider: string, work: () => Promise<T>): Promise<T> {
    const wait = windowSpent(call, stage) ? 0 : breakers.waitMs(provider);
    if (wait > 0) throw new StageError("provider_circuit_open", { stage, transient: true, retryAfterMs: wait });
    try {
      const result = await work();
      breakers.success(provider);
      return result;
    } catch (error) {
      if (classifyFault(error).transient) breakers.failure(provider);
      else breakers.release(provider);
      throw error;
    }
  }

  /**
   * A transient fault: the call stays in its stage and the job runs again after
   * the backoff, until the window from the stage's first fault is spent; then it
   * fails with the provider's code (docs/contract.md § Pipeline).
   */
  async function deferOrFail(call: CallRecord, error: StageError, provider: string | null): Promise<ProcessOutcome> {
    const stage = error.stage!;
    const now = Date.now();
    const sameWindow = call.retryStage === stage && call.retryingUntil !== null;
    const until = sameWindow ? call.retryingUntil!.getTime() : now + policy.windowMs;
    const attempts = sameWindow ? call.retryAttempts : 0;
    if (now >= until) return fail(call, error.code, true);
    const delayMs = retryDelayMs(policy, attempts, error.retryAfterMs);
    const retryAt = new Date(Math.min(now + delayMs, until));
    const record = async () => {
      const moved = await transition(call, [call.status], call.status, {
        retryStage: stage,
        retryAttempts: attempts + 1,
        retryingUntil: new Date(until),
      });
      if (!moved) return;
      await store.events.add({
        callId: call.id,
        stage,
        status: "DEFERRED",
        durationMs: retryAt.getTime() - now,
        provider,
        errorCode: error.code,
      });
      log.info(
        { callId: call.id, stage, code: error.code, attempt: attempts + 1, retryAt },
        "provider fault; retrying later",
      );
    };
    return { retryAt, record };
  }

  /** Raw audio is kept no longer than processing needs (docs/contract.md § Privacy rules). */
  const discardTempAudio = async (call: CallRecord) => {
    const temp = await store.artifacts.get(call.id, "TEMP_AUDIO");
    if (!temp) return;
    await storage.delete(temp.storageKey);
    await store.artifacts.remove(call.id, "TEMP_AUDIO");
  };

  const putJson = async (
    call: CallRecord,
    type: "DIARIZATION_JSON" | "RAW_TRANSCRIPT_JSON" | "NORMALIZED_TRANSCRIPT_JSON" | "ANALYSIS_JSON",
    value: unknown,
  ) => {
    const key = artifactKey(call.userId, call.id, type);
    const { sizeBytes } = await storage.put(key, JSON.stringify(value), { contentType: "application/json" });
    await store.artifacts.upsert({
      callId: call.id,
      type,
      storageKey: key,
      contentType: "application/json",
      sizeBytes,
    });
  };

  /** Refreshes statusChangedAt so the stale sweeper sees a live call as live. */
  const touch = (call: CallRecord, status: CallStatus) => store.calls.transition(call.id, [status], status);

  async function analyzeAndPersist(call: CallRecord, transcript: TranscriptDocument): Promise<AnalysisDocument> {
    const user = await store.users.get(call.userId);
    const outcome = await guarded(call, "ANALYZED", options.analyzer.name, () =>
      runStage(
        store,
        call.id,
        "ANALYZED",
        options.analyzer.name,
        () => options.analyzer.analyze(toAnalysisInput(call, transcript, user?.displayName ?? null)),
        {
          failureCode: "analysis_failed",
          providerOf: (o) => o.provider,
          egress:
            options.egress?.llm && options.analyzer.name === "llm"
              ? { host: options.egress.llm.host, model: options.egress.llm.model, dataSent: "TRANSCRIPT" }
              : null,
        },
      ),
    );
    await putJson(call, "ANALYSIS_JSON", outcome.document);
    const items = reconcileActionItemOwners(outcome.document.actionItems ?? [], transcript.speakers);
    await runStage(
      store,
      call.id,
      "ACTION_ITEMS_EXTRACTED",
      null,
      () =>
        store.actionItems.replaceAiItems(call.id, toActionItemRows(call, items, transcript) satisfies NewActionItem[]),
      { failureCode: "action_items_failed" },
    ).catch((error: unknown) => {
      // Soft stage: the analysis still ships; the items can be re-extracted by reanalyze.
      log.warn({ callId: call.id, code: errorCodeOf(error, "action_items_failed") }, "action items not persisted");
    });
    await indexForSearch(call, transcript, outcome.document);
    return outcome.document;
  }

  /**
   * Re-indexes the call for search from what was just stored (docs/contract.md § Search): the
   * redacted transcript, the analysis and the items. A failure leaves the old index and never fails the call.
   */
  async function indexForSearch(call: CallRecord, transcript: TranscriptDocument, analysis: AnalysisDocument) {
    try {
      const items = await store.actionItems.listForCall(call.userId, call.id);
      await store.search.replace(call.id, callSearchDocuments(transcript, analysis, items));
    } catch (error) {
      log.warn({ callId: call.id, err: error instanceof Error ? error.name : "error" }, "search index not updated");
    }
  }

  /** Preprocessing (ffmpeg): any failure falls back to the original audio. */
  async function preprocess(call: CallRecord, originalPath: string): Promise<PreparedAudio> {
    const original: PreparedAudio = { path: originalPath, preprocessed: false, durationSeconds: call.durationSeconds };
    if (!options.audio.preprocessingEnabled) {
      await skipStage(store, call.id, "AUDIO_PREPROCESSED", "disabled");
      return original;
    }
    const ffmpegPath = await options.audio.ffmpegPath();
    if (!ffmpegPath) {
      await skipStage(store, call.id, "AUDIO_PREPROCESSED", "ffmpeg_not_found");
      return original;
    }
    try {
      const pre = await runStage(
        store,
        call.id,
        "AUDIO_PREPROCESSED",
        "ffmpeg",
        () =>
          preprocessAudio({
            ffmpegPath,
            inputPath: originalPath,
            outputPath: path.join(workDir, `scryon-${call.id}.wav`),
            highpassHz: options.audio.highpassHz,
            denoiseNrDb: options.audio.denoiseNrDb,
            timeoutMs: options.audio.timeoutMs,
          }),
        { failureCode: "preprocessing_failed" },
      );
      return { path: pre.outputPath, preprocessed: true, durationSeconds: pre.durationSeconds ?? call.durationSeconds };
    } catch {
      log.info({ callId: call.id }, "preprocessing failed; using the original audio");
      return original;
    }
  }

  /**
   * Speech to words, within the provider's limits: compressed, and split at
   * silences into chunks when still too large or too long. The raw (stitched)
   * answer is kept as an artifact.
   */
  async function transcribeAudio(call: CallRecord, audio: PreparedAudio): Promise<TranscriptionResult> {
    const transcriber = options.transcriber!;
    const ffmpegPath = await options.audio.ffmpegPath();
    const hints = options.transcriptionHints ?? {};
    const user = await store.users.get(call.userId);
    const transcription = await guarded(call, "TRANSCRIBED", transcriber.name, () =>
      runStage(
        store,
        call.id,
        "TRANSCRIBED",
        transcriber.name,
        async () => {
          const chunked = await transcribeInChunks({
            provider: transcriber,
            ffmpegPath,
            filePath: audio.path,
            fileName: audio.preprocessed ? "audio.wav" : `audio${path.extname(audio.path)}`,
            contentType: audio.preprocessed ? "audio/wav" : (call.sourceContentType ?? "application/octet-stream"),
            durationSeconds: audio.durationSeconds,
            limits: options.transcriptionLimits ?? DEFAULT_TRANSCRIPTION_LIMITS,
            workDir,
            ffmpegTimeoutMs: options.audio.timeoutMs,
            // The call's own hints first, the configured defaults after (docs/contract.md § Upload metadata).
            language: call.language ?? hints.language ?? null,
            vocabulary: transcriptionVocabulary(
              [...call.vocabulary, ...(hints.vocabulary ?? [])],
              [call.contactName, user?.displayName],
            ),
          });
          if (chunked.chunks.length > 1) {
            log.info(
              { callId: call.id, chunks: chunked.chunks.length, largestUploadBytes: chunked.largestUploadBytes },
              "transcribed in chunks",
            );
          }
          return chunked.result;
        },
        {
          failureCode: "transcription_failed",
          egress: options.egress?.transcription
            ? { host: options.egress.transcription.host, model: transcriber.model, dataSent: "AUDIO" }
            : null,
        },
      ),
    );
    // The provider's answer is stored redacted: no stored copy holds the values (docs/contract.md § Redaction).
    await putJson(call, "RAW_TRANSCRIPT_JSON", redactPii ? redactTranscriptionResult(transcription) : transcription);
    await touch(call, "TRANSCRIBING");
    return transcription;
  }

  /** Who spoke when, through the fallback chain. Stereo detection needs the original channels. */
  async function diarize(
    call: CallRecord,
    originalPath: string,
    durationSeconds: number | null,
    transcription: TranscriptionResult,
  ) {
    const twoParty = call.direction === "INCOMING" || call.direction === "OUTGOING";
    const diarization = await runStage(
      store,
      call.id,
      "DIARIZED",
      null,
      () =>
        diarizeWithFallback(options.diarizationSources, {
          filePath: originalPath,
          durationSeconds,
          ...(twoParty && { numSpeakersHint: 2 }),
          transcription,
        }),
      {
        failureCode: "diarization_failed",
        providerOf: (o) => o.result.provider,
        // pyannoteAI got the audio if it was tried at all, even when it failed and the next source was used.
        egressOf: (o): Egress | null =>
          options.egress?.pyannote && o.attempts.some((a) => a.source === "PYANNOTE" && a.outcome !== "NOT_APPLICABLE")
            ? { host: options.egress.pyannote.host, model: null, dataSent: "AUDIO" }
            : null,
      },
    );
    await putJson(call, "DIARIZATION_JSON", diarization);
    return diarization;
  }

  /**
   * Words onto turns, personal data redacted on the aligned words (so placeholders keep
   * the words' timing and no later stage sees the values), then normalised segments
   * and stable speaker ids.
   */
  async function alignAndNormalize(transcription: TranscriptionResult, turns: DiarizationTurns, callId: string) {
    const aligned = await runStage(
      store,
      callId,
      "TRANSCRIPT_ALIGNED",
      null,
      async () => alignTranscript(transcription, turns),
      { failureCode: "alignment_failed" },
    );
    const redacted = await redactWords(callId, aligned);
    const normalized = await runStage(
      store,
      callId,
      "TRANSCRIPT_NORMALIZED",
      null,
      async () => normalizeTranscript(redacted.aligned),
      { failureCode: "normalization_failed" },
    );
    return { normalized, redaction: redacted.summary };
  }

  /** The PII_REDACTED stage (docs/contract.md § Redaction). A failure fails the call: nothing unredacted ships. */
  async function redactWords(callId: string, aligned: AlignedTranscript) {
    if (!redactPii) {
      await skipStage(store, callId, "PII_REDACTED", "disabled");
      const counts = { PHONE: 0, EMAIL: 0, CARD: 0, IBAN: 0, OTP: 0 };
      return { aligned, summary: { enabled: false, version: REDACTION_VERSION, counts, total: 0 } };
    }
    return runStage(
      store,
      callId,
      "PII_REDACTED",
      null,
      async () => {
        const { units, counts } = redactAlignedUnits(aligned.units);
        const summary: RedactionSummary = {
          enabled: true,
          version: REDACTION_VERSION,
          counts,
          total: totalRedactions(counts),
        };
        return { aligned: { ...aligned, units }, summary };
      },
      { failureCode: "redaction_failed" },
    );
  }

  /** Names and roles from the call metadata and the words spoken; unresolved speakers on failure. */
  async function resolveSpeakerNames(call: CallRecord, normalized: NormalizedTranscript) {
    await skipStage(store, call.id, "VOICE_MATCH_STARTED", "voice_profiles_not_enabled");
    const user = await store.users.get(call.userId);
    // A call sent without a number but grouped into a contact that has one (by the client's contactId): the
    // contact's last four digits still name the other party "Contact ending NNNN" (docs/contract.md § Contacts).
    const contact =
      !call.phoneNumber && call.contactRef ? await store.contacts.get(call.userId, call.contactRef) : null;
    const context = {
      userDisplayName: user?.displayName ?? null,
      contactName: call.contactName,
      phoneNumber: call.phoneNumber ?? contact?.phoneLast4 ?? null,
      direction: call.direction,
      voiceEmbeddingEnabled: false,
    };
    return runStage(store, call.id, "SPEAKER_REFINED", null, async () => resolveSpeakers(normalized, context), {
      failureCode: "speaker_resolution_failed",
    }).catch(() => unresolvedSpeakers(normalized, context));
  }

  /** Every transcript stage in order, then the transcript document, stored. */
  async function produceTranscript(call: CallRecord, originalPath: string): Promise<TranscriptDocument> {
    const audio = await preprocess(call, originalPath);
    try {
      // Transcription runs before diarization: one diarization source is the transcriber's own labels.
      const transcription = await transcribeAudio(call, audio);
      const durationSeconds = audio.durationSeconds ?? transcription.durationSeconds;
      const diarization = await diarize(call, originalPath, durationSeconds, transcription);
      const { normalized, redaction } = await alignAndNormalize(transcription, diarization.result.turns, call.id);
      const resolved = await resolveSpeakerNames(call, normalized);
      const assembled = assembleTranscriptDocument(
        {
          callId: call.id,
          language: transcription.language,
          durationSeconds,
          createdAt: new Date().toISOString(),
          redaction,
          pipeline: {
            status: "COMPLETED",
            preprocessing: audio.preprocessed ? "FFMPEG" : "ORIGINAL_AUDIO",
            transcription: { provider: transcription.provider, model: transcription.model },
            diarization: { source: diarization.result.source, provider: diarization.result.provider },
          },
        },
        resolved,
      );
      // What the user corrected wins over what the rules decided, on every run (docs/contract.md § Speaker corrections).
      const document = applySpeakerCorrections(assembled, await store.speakerCorrections.list(call.id));
      await putJson(call, "NORMALIZED_TRANSCRIPT_JSON", document);
      return document;
    } finally {
      if (audio.preprocessed) await fs.rm(audio.path, { force: true });
    }
  }

  async function processCall(callId: string): Promise<ProcessOutcome> {
    let call = await store.calls.getById(callId);
    if (!call) return;
    if (!NON_TERMINAL.includes(call.status)) {
      // A job redelivered after its worker died between COMPLETED and deleting the raw audio finishes the
      // deletion (docs/contract.md § Privacy rules). A FAILED call may keep its audio for a retry.
      if (call.status === "COMPLETED") await discardTempAudio(call);
      return;
    }
    // A call deferred in ANALYZING (its LLM was down) resumes there from the stored transcript;
    // anything else (a redelivered job whose worker died, …) restarts from the top.
    const stored =
      call.status === "ANALYZING" ? await store.artifacts.get(call.id, "NORMALIZED_TRANSCRIPT_JSON") : null;
    const stage: CallStatus = stored ? "ANALYZING" : "TRANSCRIBING";
    if (!(await transition(call, stored ? ["ANALYZING"] : NON_TERMINAL, stage))) return;
    call = { ...call, status: stage };

    if (!options.transcriber && !stored) return fail(call, "transcription_not_configured");
    const temp = stored ? null : await store.artifacts.get(call.id, "TEMP_AUDIO");
    if (!stored && (!temp || !(await storage.exists(temp.storageKey)))) return fail(call, "audio_missing");

    try {
      let transcript: TranscriptDocument;
      if (stored) {
        transcript = JSON.parse((await storage.getBuffer(stored.storageKey)).toString("utf8")) as TranscriptDocument;
      } else {
        const current = call;
        transcript = await storage.withLocalFile(temp!.storageKey, (filePath) => produceTranscript(current, filePath));
        // A new stage, a new retry window.
        const fields = { durationSeconds: transcript.durationSeconds, ...NO_RETRY };
        if (!(await transition(call, ["TRANSCRIBING"], "ANALYZING", fields))) return;
        call = { ...call, ...fields, status: "ANALYZING" };
      }
      const analysis = await analyzeAndPersist(call, transcript);
      if (
        await transition(call, ["ANALYZING"], "COMPLETED", {
          errorReason: null,
          analysisSummary: analysis.oneLineSummary ?? null,
          sentiment: analysis.sentiment?.overall ?? null,
          failureTransient: false,
          ...NO_RETRY,
        })
      )
        await discardTempAudio(call);
    } catch (error) {
      if (error instanceof StageError && error.transient && error.stage) {
        const provider = error.stage === "ANALYZED" ? options.analyzer.name : (options.transcriber?.name ?? null);
        return deferOrFail(call, error, provider);
      }
      if (error instanceof StageError) return fail(call, error.code);
      throw error; // infrastructure fault: the queue retries the job
    }
  }

  async function reanalyze(callId: string): Promise<void> {
    const call = await store.calls.getById(callId);
    if (!call) return;
    const artifact = await store.artifacts.get(call.id, "NORMALIZED_TRANSCRIPT_JSON");
    if (!artifact) return;
    const transcript = JSON.parse(
      (await storage.getBuffer(artifact.storageKey)).toString("utf8"),
    ) as TranscriptDocument;
    // A failed analysis throws a StageError; the call keeps its previous analysis.
    const analysis = await analyzeAndPersist(call, transcript);
    await store.calls.transition(call.id, ["COMPLETED"], "COMPLETED", {
      analysisSummary: analysis.oneLineSummary ?? null,
      sentiment: analysis.sentiment?.overall ?? null,
    });
  }

  return { processCall, reanalyze };
}

/** Runs the onCallFinished hook; a webhook that cannot be queued must not fail or retry the call. */
export async function notifyFinished(
  options: { onCallFinished?: (call: CallFinished) => Promise<void> },
  log: PipelineLogger,
  call: CallFinished,
): Promise<void> {
  if (!options.onCallFinished) return;
  try {
    await options.onCallFinished(call);
  } catch (error) {
    log.warn({ callId: call.callId, err: error instanceof Error ? error.name : "error" }, "call event not queued");
  }
}

/**
 * The call's and the configured terms, then the names known for this call, each once (case-insensitively),
 * blanks dropped, at most MAX_VOCABULARY_TERMS: the names always fit, the last explicit terms give way.
 */
function transcriptionVocabulary(
  explicit: readonly string[],
  names: ReadonlyArray<string | null | undefined>,
): string[] {
  const seen = new Set<string>();
  const once = (terms: ReadonlyArray<string | null | undefined>) => {
    const kept: string[] = [];
    for (const term of terms) {
      const trimmed = term?.trim();
      if (!trimmed || seen.has(trimmed.toLowerCase())) continue;
      seen.add(trimmed.toLowerCase());
      kept.push(trimmed);
    }
    return kept;
  };
  const terms = once(explicit);
  const added = once(names);
  return [...terms.slice(0, MAX_VOCABULARY_TERMS - added.length), ...added];
}
