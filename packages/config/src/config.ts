import { isIP } from "node:net";
import path from "node:path";
import {
  canonicalLanguageTag,
  LANGUAGE_TAG_RULE,
  MAX_VOCABULARY_TERM_LENGTH,
  MAX_VOCABULARY_TERMS,
} from "@scryon/db/model";
import { z } from "zod";

/**
 * Every setting (docs/contract.md § Configuration), parsed and validated once at start-up. A bad value
 * stops the process with a message naming the variable (never its value: it may
 * be a secret).
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  k: 1024,
  mb: 1024 ** 2,
  m: 1024 ** 2,
  gb: 1024 ** 3,
  g: 1024 ** 3,
};

/** "52428800", "50MB", "512 KB", "1.5gb" → bytes; null when not a size. */
export function parseByteSize(raw: string): number | null {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  if (!match) return null;
  const unit = UNITS[(match[2] || "b").toLowerCase()];
  if (unit === undefined) return null;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 ? bytes : null;
}

const emptyToUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());
const bool = (fallback: boolean) =>
  z
    .preprocess(emptyToUndefined, z.enum(["true", "false", "1", "0", "yes", "no"]).optional())
    .transform((v) => (v === undefined ? fallback : ["true", "1", "yes"].includes(v)));
const int = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(min).max(max).optional()).transform((v) => v ?? fallback);
const num = (fallback: number, min: number, max: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().min(min).max(max).optional()).transform((v) => v ?? fallback);
const byteSize = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.string().optional()).transform((v, ctx) => {
    if (v === undefined) return fallback;
    const bytes = parseByteSize(v);
    if (bytes === null) {
      ctx.addIssue({ code: "custom", message: "must be a size in bytes or with a unit (50MB, 512KB)" });
      return z.NEVER;
    }
    return bytes;
  });

/** Names proxy-addr (Fastify's `trustProxy`) understands besides addresses. */
const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * `SCRYON_TRUST_PROXY`: unset → trust no proxy (the socket address is the client);
 * a number → that many proxy hops in front of us; otherwise a comma-separated list of
 * proxy addresses or CIDR ranges. `true` (trust everyone) is refused on purpose: any
 * client could then pick its own address. Null when unreadable.
 */
export function parseTrustProxy(raw: string | undefined): false | number | string[] | null {
  if (raw === undefined) return false;
  const value = raw.trim();
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 100 ? (hops === 0 ? false : hops) : null;
  }
  const entries = value
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  for (const entry of entries) {
    if (PROXY_RANGE_NAMES.has(entry)) continue;
    const [address = "", prefix, ...rest] = entry.split("/");
    const version = isIP(address);
    if (version === 0 || rest.length > 0) return null;
    if (prefix !== undefined && !(/^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128))) return null;
  }
  return entries;
}

/** Per provider: what `TRANSCRIPTION_MODEL` defaults to (null: the provider's own default). */
const DEFAULT_TRANSCRIPTION_MODELS = { openai: "whisper-1", assemblyai: null, deepgram: "nova-3" } as const;
/** The documented request limits: OpenAI 25 MiB; AssemblyAI and Deepgram take uploads of about 2 GB. */
const DEFAULT_MAX_UPLOAD_BYTES = {
  openai: 25 * 1024 * 1024,
  assemblyai: 2 * 1024 ** 3,
  deepgram: 2 * 1024 ** 3,
} as const;

const envSchema = z.object({
  PORT: int(8080, 0, 65535),
  HOST: z.preprocess(emptyToUndefined, z.string().default("127.0.0.1")),
  SCRYON_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default("./var")),
  DATABASE_URL: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL (leave unset for the embedded SQLite database)")
      .optional(),
  ),
  MAX_FILE_SIZE: byteSize(50 * 1024 * 1024),
  SCRYON_API_KEY: optionalString,
  FIREBASE_PROJECT_ID: optionalString,
  FIREBASE_CLIENT_EMAIL: optionalString,
  FIREBASE_PRIVATE_KEY: optionalString,
  FIREBASE_JWKS_URL: optionalString,
  SCRYON_CORS_ALLOWED_ORIGINS: optionalString,
  SCRYON_PROFILE: z.preprocess(emptyToUndefined, z.enum(["dev", "staging", "prod"]).optional()),
  NODE_ENV: optionalString,
  SCRYON_ROLE: z.preprocess(emptyToUndefined, z.enum(["api", "worker", "all"]).default("all")),
  REDACT_TRANSCRIPTS: bool(true),
  REDACT_PII: bool(true),
  /** docs/contract.md § Contacts: the key of the phone numbers' keyed hashes. */
  CONTACT_HASH_KEY: z.preprocess(emptyToUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  SCRYON_RETENTION_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(3650).optional()),
  TRANSCRIPTION_PROVIDER: z.preprocess(
    emptyToUndefined,
    z.enum(["openai", "assemblyai", "deepgram", "none"]).optional(),
  ),
  TRANSCRIPTION_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  TRANSCRIPTION_API_KEY: optionalString,
  TRANSCRIPTION_MODEL: optionalString,
  /** The default spoken language of calls that name none (docs/contract.md § Upload metadata). */
  TRANSCRIPTION_LANGUAGE: z.preprocess(emptyToUndefined, z.string().optional()).transform((v, ctx) => {
    if (v === undefined) return null;
    const tag = canonicalLanguageTag(v);
    if (tag === null) {
      ctx.addIssue({
        code: "custom",
        message: LANGUAGE_TAG_RULE,
      });
      return z.NEVER;
    }
    return tag;
  }),
  /** Comma-separated names and terms added to every call's vocabulary hint. */
  TRANSCRIPTION_VOCABULARY: z.preprocess(emptyToUndefined, z.string().optional()).transform((v, ctx) => {
    const terms = [...new Set((v ?? "").split(",").map((term) => term.trim()))].filter(Boolean);
    if (terms.length > MAX_VOCABULARY_TERMS || terms.some((term) => term.length > MAX_VOCABULARY_TERM_LENGTH)) {
      ctx.addIssue({
        code: "custom",
        message: `must be at most ${MAX_VOCABULARY_TERMS} comma-separated terms of at most ${MAX_VOCABULARY_TERM_LENGTH} characters`,
      });
      return z.NEVER;
    }
    return terms;
  }),
  TRANSCRIPTION_TIMEOUT_SECONDS: int(600, 1, 86_400),
  TRANSCRIPTION_MAX_UPLOAD_BYTES: z.preprocess(emptyToUndefined, z.string().optional()),
  TRANSCRIPTION_MAX_CHUNK_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(10).max(86_400).optional()),
  TRANSCRIPTION_AUDIO_FORMAT: z.preprocess(emptyToUndefined, z.enum(["flac", "mp3", "opus", "wav"]).default("flac")),
  TRANSCRIPTION_CHUNK_CONCURRENCY: int(3, 1, 16),
  TRANSCRIPTION_POLL_INTERVAL_SECONDS: num(3, 0.01, 600),
  PYANNOTE_ENABLED: bool(false),
  PYANNOTE_API_KEY: optionalString,
  PYANNOTE_BASE_URL: z.preprocess(emptyToUndefined, z.url().default("https://api.pyannote.ai")),
  PYANNOTE_MAX_AUDIO_SECONDS: int(4 * 3600, 1, 86_400),
  PYANNOTE_POLL_INTERVAL_SECONDS: num(5, 0.01, 600),
  PYANNOTE_TIMEOUT_SECONDS: num(15 * 60, 0.1, 86_400),
  LLM_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["openai", "offline"]).optional()),
  LLM_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: z.preprocess(emptyToUndefined, z.string().default("gpt-4o-mini")),
  LLM_TEMPERATURE: num(0.2, 0, 2),
  LLM_TIMEOUT_SECONDS: int(120, 1, 3600),
  SCRYON_AUDIO_PREPROCESSING_ENABLED: bool(true),
  SCRYON_FFMPEG_PATH: optionalString,
  SCRYON_AUDIO_HIGHPASS_HZ: int(80, 0, 4000),
  SCRYON_AUDIO_DENOISE_NR_DB: num(12, 0.01, 97),
  SCRYON_AUDIO_TIMEOUT_SECONDS: int(600, 1, 86_400),
  OBJECT_STORAGE_PROVIDER: z.preprocess(emptyToUndefined, z.enum(["local", "s3"]).default("local")),
  OBJECT_STORAGE_LOCAL_PATH: optionalString,
  OBJECT_STORAGE_BUCKET: optionalString,
  OBJECT_STORAGE_ENDPOINT: z.preprocess(emptyToUndefined, z.url().optional()),
  OBJECT_STORAGE_REGION: z.preprocess(emptyToUndefined, z.string().default("us-east-1")),
  OBJECT_STORAGE_ACCESS_KEY: optionalString,
  OBJECT_STORAGE_SECRET_KEY: optionalString,
  OBJECT_STORAGE_PATH_STYLE_ACCESS: bool(false),
  OBJECT_STORAGE_TEMP_AUDIO_TTL_HOURS: num(24, 0.001, 24 * 365),
  SCRYON_STALE_JOB_TIMEOUT_MINUTES: num(15, 0.01, 7 * 24 * 60),
  SCRYON_STALE_JOB_MAX_REQUEUES: int(2, 0, 100),
  SCRYON_PROVIDER_RETRY_WINDOW_MINUTES: num(30, 0, 24 * 60),
  SCRYON_PROVIDER_RETRY_BASE_SECONDS: num(2, 0.001, 3600),
  SCRYON_PROVIDER_RETRY_MAX_DELAY_SECONDS: num(300, 0.001, 3600),
  SCRYON_PROVIDER_CIRCUIT_THRESHOLD: int(5, 1, 1000),
  SCRYON_PROVIDER_CIRCUIT_COOLDOWN_SECONDS: num(30, 0.001, 3600),
  SCRYON_SWEEP_INTERVAL_SECONDS: num(60, 0.05, 86_400),
  SCRYON_WORKER_CONCURRENCY: int(2, 1, 64),
  SCRYON_JOB_LEASE_SECONDS: num(30, 0.5, 3600),
  SCRYON_ORPHAN_GRACE_SECONDS: num(3600, 0, 7 * 24 * 3600),
  SCRYON_UPLOAD_RATE_LIMIT_PER_MINUTE: int(60, 1, 1_000_000),
  SCRYON_WEBHOOK_TIMEOUT_SECONDS: num(10, 0.1, 60),
  SCRYON_WEBHOOK_RETRY_BASE_SECONDS: num(15, 0.01, 3600),
  SCRYON_WEBHOOK_RETRY_MAX_SECONDS: num(3600, 0.01, 86_400),
  SCRYON_WEBHOOK_RETRY_WINDOW_HOURS: num(24, 0.0001, 7 * 24),
  SCRYON_WEBHOOK_DISABLE_AFTER_HOURS: num(72, 0.0001, 30 * 24),
  SCRYON_WEBHOOK_CONCURRENCY: int(4, 1, 64),
  SCRYON_TRUST_PROXY: z.preprocess(emptyToUndefined, z.string().optional()).transform((v, ctx) => {
    const parsed = parseTrustProxy(v);
    if (parsed === null) {
      ctx.addIssue({
        code: "custom",
        message: "must be a hop count (1) or a comma-separated list of proxy addresses / CIDR ranges (10.0.0.0/8)",
      });
      return z.NEVER;
    }
    return parsed;
  }),
  SCRYON_LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  ),
});

function buildConfig(env: z.infer<typeof envSchema>) {
  const dataDir = path.resolve(env.SCRYON_DATA_DIR);
  const profile = env.SCRYON_PROFILE ?? (env.NODE_ENV === "production" ? "prod" : "dev");
  const transcriptionKind =
    env.TRANSCRIPTION_PROVIDER === "none"
      ? null
      : (env.TRANSCRIPTION_PROVIDER ?? (env.TRANSCRIPTION_BASE_URL !== undefined ? "openai" : null));
  const llmConfigured = env.LLM_PROVIDER !== "offline" && env.LLM_BASE_URL !== undefined;
  return {
    server: {
      port: env.PORT,
      host: env.HOST,
      corsAllowedOrigins: (env.SCRYON_CORS_ALLOWED_ORIGINS ?? "")
        .split(",")
        .map((o) => o.trim())
        .filter(Boolean),
      role: env.SCRYON_ROLE,
      /** Uploads per client address per minute, counted by each API process on its own. */
      uploadRateLimitPerMinute: env.SCRYON_UPLOAD_RATE_LIMIT_PER_MINUTE,
      /** Which proxies may name the client's address in X-Forwarded-For (rate limits count per client address). */
      trustProxy: env.SCRYON_TRUST_PROXY,
    },
    profile,
    /** Developer-only routes (reanalyze) exist everywhere but prod. */
    developerToolsEnabled: profile !== "prod",
    dataDir,
    database: env.DATABASE_URL
      ? ({ kind: "postgres", url: env.DATABASE_URL } as const)
      : ({ kind: "sqlite", file: path.join(dataDir, "scryon.db") } as const),
    storage:
      env.OBJECT_STORAGE_PROVIDER === "s3"
        ? ({
            kind: "s3",
            bucket: env.OBJECT_STORAGE_BUCKET!,
            endpoint: env.OBJECT_STORAGE_ENDPOINT ?? null,
            region: env.OBJECT_STORAGE_REGION,
            accessKeyId: env.OBJECT_STORAGE_ACCESS_KEY ?? null,
            secretAccessKey: env.OBJECT_STORAGE_SECRET_KEY ?? null,
            forcePathStyle: env.OBJECT_STORAGE_PATH_STYLE_ACCESS,
          } as const)
        : ({
            kind: "local",
            root: path.resolve(env.OBJECT_STORAGE_LOCAL_PATH ?? path.join(dataDir, "storage")),
          } as const),
    tempAudioTtlMs: env.OBJECT_STORAGE_TEMP_AUDIO_TTL_HOURS * 3_600_000,
    maxFileSizeBytes: env.MAX_FILE_SIZE,
    auth: {
      apiKey: env.SCRYON_API_KEY ?? null,
      firebaseProjectId: env.FIREBASE_PROJECT_ID ?? null,
      firebaseClientEmail: env.FIREBASE_CLIENT_EMAIL ?? null,
      firebasePrivateKey: env.FIREBASE_PRIVATE_KEY ?? null,
      firebaseJwksUrl: env.FIREBASE_JWKS_URL ?? null,
    },
    redactTranscripts: env.REDACT_TRANSCRIPTS,
    /** docs/contract.md § Redaction: spoken personal data replaced by typed placeholders. */
    redactPii: env.REDACT_PII,
    /** docs/contract.md § Retention and account deletion; null = calls are kept. */
    retentionDays: env.SCRYON_RETENTION_DAYS ?? null,
    /** Null: a key is made once and kept (a file under the data dir when embedded, else in the database). */
    contactHashKey: env.CONTACT_HASH_KEY ?? null,
    transcription: transcriptionKind
      ? {
          kind: transcriptionKind,
          /** Null for AssemblyAI and Deepgram: their SDKs' default hosts. */
          baseURL: env.TRANSCRIPTION_BASE_URL ?? null,
          apiKey: env.TRANSCRIPTION_API_KEY ?? "",
          model: env.TRANSCRIPTION_MODEL ?? DEFAULT_TRANSCRIPTION_MODELS[transcriptionKind],
          language: env.TRANSCRIPTION_LANGUAGE,
          vocabulary: env.TRANSCRIPTION_VOCABULARY,
          timeoutMs: env.TRANSCRIPTION_TIMEOUT_SECONDS * 1000,
          pollIntervalMs: env.TRANSCRIPTION_POLL_INTERVAL_SECONDS * 1000,
          limits: {
            maxUploadBytes:
              (env.TRANSCRIPTION_MAX_UPLOAD_BYTES && parseByteSize(env.TRANSCRIPTION_MAX_UPLOAD_BYTES)) ||
              DEFAULT_MAX_UPLOAD_BYTES[transcriptionKind],
            maxChunkSeconds:
              env.TRANSCRIPTION_MAX_CHUNK_SECONDS ??
              (transcriptionKind === "openai" && /gpt-4o/i.test(env.TRANSCRIPTION_MODEL ?? "") ? 1400 : null),
            format: env.TRANSCRIPTION_AUDIO_FORMAT,
            concurrency: env.TRANSCRIPTION_CHUNK_CONCURRENCY,
          },
        }
      : null,
    pyannote:
      env.PYANNOTE_ENABLED && env.PYANNOTE_API_KEY
        ? {
            apiKey: env.PYANNOTE_API_KEY,
            baseURL: env.PYANNOTE_BASE_URL,
            maxAudioSeconds: env.PYANNOTE_MAX_AUDIO_SECONDS,
            pollIntervalMs: env.PYANNOTE_POLL_INTERVAL_SECONDS * 1000,
            /** The whole run (upload, job, polling); then the next diarization source is tried. */
            timeoutMs: env.PYANNOTE_TIMEOUT_SECONDS * 1000,
          }
        : null,
    llm: llmConfigured
      ? {
          baseURL: env.LLM_BASE_URL!,
          apiKey: env.LLM_API_KEY ?? "",
          model: env.LLM_MODEL,
          temperature: env.LLM_TEMPERATURE,
          timeoutMs: env.LLM_TIMEOUT_SECONDS * 1000,
        }
      : null,
    audio: {
      preprocessingEnabled: env.SCRYON_AUDIO_PREPROCESSING_ENABLED,
      ffmpegPath: env.SCRYON_FFMPEG_PATH ?? null,
      highpassHz: env.SCRYON_AUDIO_HIGHPASS_HZ,
      denoiseNrDb: env.SCRYON_AUDIO_DENOISE_NR_DB,
      timeoutMs: env.SCRYON_AUDIO_TIMEOUT_SECONDS * 1000,
    },
    jobs: {
      staleAfterMs: env.SCRYON_STALE_JOB_TIMEOUT_MINUTES * 60_000,
      maxRequeues: env.SCRYON_STALE_JOB_MAX_REQUEUES,
      sweepIntervalMs: env.SCRYON_SWEEP_INTERVAL_SECONDS * 1000,
      workerConcurrency: env.SCRYON_WORKER_CONCURRENCY,
      /** A running job whose worker stops heartbeating is redelivered after this. */
      leaseMs: env.SCRYON_JOB_LEASE_SECONDS * 1000,
      /** Stored objects younger than this are never orphans: an upload writes its file before its row. */
      orphanGraceMs: env.SCRYON_ORPHAN_GRACE_SECONDS * 1000,
    },
    /** Transient provider faults are retried through the queue within this window (docs/contract.md § Pipeline). */
    providerRetry: {
      windowMs: env.SCRYON_PROVIDER_RETRY_WINDOW_MINUTES * 60_000,
      baseDelayMs: env.SCRYON_PROVIDER_RETRY_BASE_SECONDS * 1000,
      maxDelayMs: env.SCRYON_PROVIDER_RETRY_MAX_DELAY_SECONDS * 1000,
      circuitThreshold: env.SCRYON_PROVIDER_CIRCUIT_THRESHOLD,
      circuitCooldownMs: env.SCRYON_PROVIDER_CIRCUIT_COOLDOWN_SECONDS * 1000,
    },
    /** docs/contract.md § Webhooks. */
    webhooks: {
      /** Production: https only, and no loopback, private, link-local or metadata addresses. */
      strictUrls: profile === "prod",
      timeoutMs: env.SCRYON_WEBHOOK_TIMEOUT_SECONDS * 1000,
      maxResponseBytes: 64 * 1024,
      retry: {
        baseDelayMs: env.SCRYON_WEBHOOK_RETRY_BASE_SECONDS * 1000,
        maxDelayMs: env.SCRYON_WEBHOOK_RETRY_MAX_SECONDS * 1000,
        windowMs: env.SCRYON_WEBHOOK_RETRY_WINDOW_HOURS * 3_600_000,
      },
      disableAfterMs: env.SCRYON_WEBHOOK_DISABLE_AFTER_HOURS * 3_600_000,
      concurrency: env.SCRYON_WEBHOOK_CONCURRENCY,
    },
    logLevel: env.SCRYON_LOG_LEVEL,
  };
}

/** Every environment variable the server reads; the README's settings table documents each one. */
export const SETTING_NAMES: readonly string[] = Object.keys(envSchema.shape);

export type ScryonConfig = ReturnType<typeof buildConfig>;

/** Parses the environment (process.env by default). Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ScryonConfig {
  const parsed = envSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${String(issue.path[0] ?? "environment")}: ${issue.message}`);
  if (parsed.success) {
    const e = parsed.data;
    if (e.OBJECT_STORAGE_PROVIDER === "s3" && !e.OBJECT_STORAGE_BUCKET)
      problems.push("OBJECT_STORAGE_BUCKET: required when OBJECT_STORAGE_PROVIDER=s3");
    if (e.PYANNOTE_ENABLED && !e.PYANNOTE_API_KEY)
      problems.push("PYANNOTE_API_KEY: required when PYANNOTE_ENABLED=true");
    if (e.TRANSCRIPTION_PROVIDER === "openai" && !e.TRANSCRIPTION_BASE_URL)
      problems.push("TRANSCRIPTION_BASE_URL: required when TRANSCRIPTION_PROVIDER=openai");
    if (
      (e.TRANSCRIPTION_PROVIDER === "assemblyai" || e.TRANSCRIPTION_PROVIDER === "deepgram") &&
      !e.TRANSCRIPTION_API_KEY
    )
      problems.push(`TRANSCRIPTION_API_KEY: required when TRANSCRIPTION_PROVIDER=${e.TRANSCRIPTION_PROVIDER}`);
    if (e.TRANSCRIPTION_MAX_UPLOAD_BYTES && parseByteSize(e.TRANSCRIPTION_MAX_UPLOAD_BYTES) === null)
      problems.push("TRANSCRIPTION_MAX_UPLOAD_BYTES: must be a size in bytes or with a unit (25MB, 512KB)");
    if (e.LLM_PROVIDER === "openai" && !e.LLM_BASE_URL)
      problems.push("LLM_BASE_URL: required when LLM_PROVIDER=openai");
    if ((e.FIREBASE_CLIENT_EMAIL || e.FIREBASE_PRIVATE_KEY) && !e.FIREBASE_PROJECT_ID)
      problems.push("FIREBASE_PROJECT_ID: required when a Firebase service account is configured");
    const authOff = !e.FIREBASE_PROJECT_ID && !e.SCRYON_API_KEY;
    const everyInterface = e.HOST === "0.0.0.0" || e.HOST === "::";
    if (authOff && everyInterface)
      problems.push(
        "HOST: refusing to listen on all interfaces with authentication off (set FIREBASE_PROJECT_ID or SCRYON_API_KEY)",
      );
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return buildConfig(parsed.data);
}
