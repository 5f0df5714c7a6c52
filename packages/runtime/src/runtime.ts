import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { createLlmAnalyzer, createOfflineAnalyzer } from "@scryon/analysis";
import { type ApiDeps, type AppRouter, buildAppRouter, type Logger, linkUngroupedCalls, purgeCall } from "@scryon/api";
import { type Authenticator, createAuthenticator } from "@scryon/auth";
import type { ScryonConfig } from "@scryon/config";
import { openPostgresStore, openSqliteStore, type Store } from "@scryon/db";
import {
  createPipeline,
  createSweepers,
  enqueueCall,
  type Pipeline,
  removeCallJobs,
  startPipelineWorkers,
} from "@scryon/pipeline";
import {
  createAssemblyAiTranscriber,
  createDeepgramTranscriber,
  createOpenAiCompatibleTranscriber,
  createPyannoteDiarizationSource,
  createSingleSpeakerSource,
  createStereoChannelSource,
  createTranscriptionSpeakerSource,
  type DiarizationSource,
  diarizeStereoChannels,
  locateFfmpeg,
  type TranscriptionProvider,
} from "@scryon/providers";
import { createPgBossQueue, createSqliteQueue, type JobQueue } from "@scryon/queue";
import { createLocalStorage, createS3Storage, type ObjectStorage } from "@scryon/storage";
import { type CallEvent, createWebhookDispatcher, type WebhookDispatcher } from "@scryon/webhooks";
import { createCallEventBus, createPostgresCallEventBus } from "./call-events";

const require = createRequire(import.meta.url);
export const SCRYON_VERSION: string = (require("../package.json") as { version: string }).version;

export interface Runtime {
  config: ScryonConfig;
  store: Store;
  storage: ObjectStorage;
  queue: JobQueue;
  pipeline: Pipeline;
  webhooks: WebhookDispatcher;
  authenticator: Authenticator;
  router: AppRouter;
  apiDeps: ApiDeps;
  /** The janitors, also callable one at a time (tests, the CLI). */
  sweepers: ReturnType<typeof createSweepers>;
  /** Starts the pipeline workers and the sweepers (SCRYON_ROLE worker/all). */
  startBackground(): Promise<void>;
  /** Stops workers (in-flight jobs finish or are released), sweepers, then closes the database. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/**
 * The composition root, and the only place that knows about deployment modes:
 * it picks the store, queue and storage implementations from configuration and
 * hands the same interfaces to everything else.
 */
export async function createRuntime(config: ScryonConfig, log: Logger = silentLogger): Promise<Runtime> {
  // Scale-out: PostgreSQL holds both the relational state and the pg-boss jobs.
  // pg-boss 10 has no heartbeat, so a job expires as late as the stale-call sweeper would act,
  // and expired jobs are swept often enough that a dead worker's calls resume within about
  // one and a half stale timeouts (pg-boss sweeps at most once a minute by default).
  const { database } = config;
  const store =
    database.kind === "postgres"
      ? await openPostgresStore({ url: database.url })
      : openSqliteStore({ file: database.file });
  const expireInSeconds = Math.max(2, Math.round(config.jobs.staleAfterMs / 1000));
  const queue =
    database.kind === "postgres"
      ? createPgBossQueue({
          connectionString: database.url,
          expireInSeconds,
          maintenanceIntervalSeconds: Math.min(60, Math.max(1, Math.round(expireInSeconds / 2))),
          onError: (error) => log.warn({ err: error.message }, "job queue fault"),
        })
      : createSqliteQueue({ file: database.file, leaseMs: config.jobs.leaseMs });
  const storage =
    config.storage.kind === "s3" ? createS3Storage(config.storage) : createLocalStorage({ root: config.storage.root });
  const authenticator = createAuthenticator({
    firebaseProjectId: config.auth.firebaseProjectId,
    firebaseClientEmail: config.auth.firebaseClientEmail,
    firebasePrivateKey: config.auth.firebasePrivateKey,
    ...(config.auth.firebaseJwksUrl && { jwksUrl: config.auth.firebaseJwksUrl }),
  });

  let ffmpeg: Promise<string | null> | undefined;
  const ffmpegPath = () =>
    (ffmpeg ??= locateFfmpeg({ configuredPath: config.audio.ffmpegPath }).then(
      (location) => location.path,
      () => null,
    ));

  const diarizationSources: DiarizationSource[] = [
    ...(config.pyannote ? [createPyannoteDiarizationSource(config.pyannote)] : []),
    createTranscriptionSpeakerSource(),
    createStereoChannelSource(async (filePath, signal) => {
      const path = await ffmpegPath();
      return path
        ? diarizeStereoChannels({
            ffmpegPath: path,
            filePath,
            timeoutMs: config.audio.timeoutMs,
            ...(signal && { signal }),
          })
        : null;
    }),
    createSingleSpeakerSource(),
  ];

  const events =
    config.database.kind === "postgres"
      ? createPostgresCallEventBus({
          url: config.database.url,
          onError: (error) => log.warn({ err: error instanceof Error ? error.name : "error" }, "call event bus"),
        })
      : createCallEventBus();
  // docs/contract.md § Webhooks: deliveries ride the same durable queue as the pipeline, in both modes.
  const webhooks = createWebhookDispatcher({ store, queue, log, ...config.webhooks });
  const onCallFinished = (call: Omit<CallEvent, "type"> & { status: "COMPLETED" | "FAILED" }) =>
    webhooks.emit({ ...call, type: call.status === "COMPLETED" ? "call.completed" : "call.failed" });
  const pipeline = createPipeline({
    store,
    storage,
    transcriber: config.transcription ? createTranscriber(config.transcription) : null,
    ...(config.transcription && {
      transcriptionLimits: config.transcription.limits,
      transcriptionHints: { language: config.transcription.language, vocabulary: config.transcription.vocabulary },
    }),
    diarizationSources,
    analyzer: config.llm ? createLlmAnalyzer(config.llm) : createOfflineAnalyzer(),
    redactPii: config.redactPii,
    egress: {
      transcription: config.transcription ? { host: transcriptionHost(config.transcription) } : null,
      pyannote: config.pyannote ? { host: new URL(config.pyannote.baseURL).host } : null,
      llm: config.llm ? { host: new URL(config.llm.baseURL).host, model: config.llm.model } : null,
    },
    audio: {
      preprocessingEnabled: config.audio.preprocessingEnabled,
      ffmpegPath,
      highpassHz: config.audio.highpassHz,
      denoiseNrDb: config.audio.denoiseNrDb,
      timeoutMs: config.audio.timeoutMs,
    },
    log,
    retry: config.providerRetry,
    onStatusChange: ({ callId, userId, status }) => events.publish(userId, { callId, status }),
    onCallFinished,
  });

  const apiDeps: ApiDeps = {
    store,
    storage,
    pipeline: {
      enqueue: (callId) => enqueueCall(queue, callId),
      forget: (callId) => removeCallJobs(queue, callId),
      reanalyze: (callId) => pipeline.reanalyze(callId),
    },
    events,
    webhooks,
    settings: {
      version: SCRYON_VERSION,
      maxFileSizeBytes: config.maxFileSizeBytes,
      developerToolsEnabled: config.developerToolsEnabled,
      providers: {
        transcription: config.transcription?.kind ?? null,
        diarization: config.pyannote ? "pyannote" : null,
        analysis: config.llm ? "llm" : "offline",
      },
      defaultRetentionDays: config.retentionDays,
      contactHashKey: await contactHashKey(config, store, log),
    },
    log,
  };

  const sweepers = createSweepers({
    store,
    storage,
    queue,
    log,
    staleAfterMs: config.jobs.staleAfterMs,
    maxRequeues: config.jobs.maxRequeues,
    tempAudioTtlMs: config.tempAudioTtlMs,
    orphanGraceMs: config.jobs.orphanGraceMs,
    onCallFinished,
    retention: {
      defaultDays: config.retentionDays,
      deleteCall: async (userId, callId) => {
        await purgeCall(apiDeps, userId, callId);
      },
    },
  });
  let backgroundStarted = false;
  // Calls stored before contacts existed join their contacts in the background (docs/contract.md § Contacts):
  // on a large database that is many writes, which must not hold up start-up.
  const stopLinking = new AbortController();
  let linking: Promise<void> = Promise.resolve();

  return {
    config,
    store,
    storage,
    queue,
    pipeline,
    webhooks,
    authenticator,
    router: buildAppRouter({ developerTools: config.developerToolsEnabled }),
    apiDeps,
    sweepers,
    async startBackground() {
      if (backgroundStarted) return;
      backgroundStarted = true;
      await queue.start();
      await startPipelineWorkers(queue, pipeline, config.jobs.workerConcurrency);
      await webhooks.startWorkers();
      sweepers.start(config.jobs.sweepIntervalMs);
      linking = linkUngroupedCalls(apiDeps, stopLinking.signal).then(
        (linked) => {
          if (linked > 0) log.info({ linked }, "calls from before contacts grouped into contacts");
        },
        (error: unknown) =>
          log.warn(
            { err: error instanceof Error ? error.name : "error" },
            "grouping older calls into contacts stopped; the next start resumes it",
          ),
      );
    },
    async close({ timeoutMs = 10_000 } = {}) {
      stopLinking.abort();
      await linking;
      await sweepers.stop();
      await queue.stop({ timeoutMs });
      await authenticator.close();
      await events.close();
      await store.close();
    },
  };
}

/**
 * The key of the phone numbers' keyed hashes (docs/contract.md § Contacts): CONTACT_HASH_KEY, else one made once
 * and kept — embedded, in a private file under the data dir; scale-out, in the database every process shares
 * (first writer wins), with a warning, since the key should live apart from the hashes.
 */
async function contactHashKey(config: ScryonConfig, store: Store, log: Logger): Promise<string> {
  if (config.contactHashKey) return config.contactHashKey;
  const candidate = randomBytes(32).toString("base64url");
  if (config.database.kind === "postgres") {
    log.warn({}, "CONTACT_HASH_KEY is not set; using a key kept in the database");
    return store.contacts.sharedSecret("contact_hash_key", candidate);
  }
  const file = path.join(config.dataDir, "contact-hash.key");
  fs.mkdirSync(config.dataDir, { recursive: true });
  try {
    fs.writeFileSync(file, candidate, { flag: "wx", mode: 0o600 });
    return candidate;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return fs.readFileSync(file, "utf8").trim();
  }
}

/** The adapter for the configured provider; keys and base URLs come from the environment (see @scryon/config). */
/** The host a transcription provider uploads audio to: the configured base URL, else the SDK's default. */
function transcriptionHost(transcription: NonNullable<ScryonConfig["transcription"]>): string {
  if (transcription.baseURL) return new URL(transcription.baseURL).host;
  return { openai: "api.openai.com", assemblyai: "api.assemblyai.com", deepgram: "api.deepgram.com" }[
    transcription.kind
  ];
}

function createTranscriber(transcription: NonNullable<ScryonConfig["transcription"]>): TranscriptionProvider {
  const common = {
    apiKey: transcription.apiKey,
    baseURL: transcription.baseURL,
    model: transcription.model,
    language: transcription.language,
    timeoutMs: transcription.timeoutMs,
  };
  switch (transcription.kind) {
    case "assemblyai":
      return createAssemblyAiTranscriber({ ...common, pollIntervalMs: transcription.pollIntervalMs });
    case "deepgram":
      return createDeepgramTranscriber(common);
    case "openai":
      return createOpenAiCompatibleTranscriber({
        ...common,
        baseURL: transcription.baseURL!,
        model: transcription.model ?? "whisper-1",
      });
  }
}
