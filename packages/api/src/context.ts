import type { Store, User } from "@scryon/db";
import type { ObjectStorage } from "@scryon/storage";
import type { WebhookDispatcher } from "@scryon/webhooks";
import { errors } from "./errors";

/** Who the credentials say the caller is; the API finds or creates the user row. */
export interface Principal {
  authUid: string;
  email: string | null;
  displayName: string | null;
}

/** The pipeline as the API sees it: it can queue a call and re-run an analysis. */
export interface PipelinePort {
  enqueue(callId: string): Promise<void>;
  /** Removes a deleted call's jobs from the queue. */
  forget(callId: string): Promise<void>;
  /** Re-runs only the analysis from the stored normalised transcript (synchronously). */
  reanalyze(callId: string): Promise<void>;
}

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ApiSettings {
  version: string;
  maxFileSizeBytes: number;
  /** False in production: developer-only procedures (reanalyze) answer 404. */
  developerToolsEnabled: boolean;
  /** SCRYON_RETENTION_DAYS: retention for users without their own; null/absent = calls are kept. */
  defaultRetentionDays?: number | null;
  /** The server's key for the phone numbers' keyed hashes (docs/contract.md § Contacts). */
  contactHashKey: string;
  /** Which outside services are configured, by name only (no hosts, no keys): reported by the health check. */
  providers: ConfiguredProviders;
}

interface ConfiguredProviders {
  /** `openai` (any OpenAI-compatible server), `assemblyai`, `deepgram`; null: uploads cannot be transcribed. */
  transcription: "openai" | "assemblyai" | "deepgram" | null;
  /** `pyannote` when pyannoteAI is configured; null: the transcription provider's speakers or the local fallback. */
  diarization: "pyannote" | null;
  /** `llm` with a configured LLM, else `offline` (the built-in analyser). */
  analysis: "llm" | "offline";
}

export interface CallStatusChange {
  callId: string;
  status: "QUEUED" | "TRANSCRIBING" | "ANALYZING" | "COMPLETED" | "FAILED";
}

/** Status changes of a user's calls, pushed as they happen (live status without polling). */
export interface CallEvents {
  subscribe(userId: string, listener: (change: CallStatusChange) => void): () => void;
}

/** Webhooks as the API sees them: check a URL, report a call event, send a test, queue a redelivery. */
export type WebhooksPort = Pick<WebhookDispatcher, "checkUrl" | "emit" | "sendTest" | "enqueue">;

/** Everything the procedures need, built once per process by the runtime. */
export interface ApiDeps {
  store: Store;
  storage: ObjectStorage;
  pipeline: PipelinePort;
  events: CallEvents;
  webhooks: WebhooksPort;
  settings: ApiSettings;
  log: Logger;
}

/**
 * Per-request context. `authenticate` is lazy so that public procedures
 * (health) never touch credentials; it throws an ApiError (401/403) itself.
 */
export interface RequestContext {
  deps: ApiDeps;
  authenticate: () => Promise<Principal>;
  idempotencyKey: string | null;
}

export interface AuthedContext extends RequestContext {
  user: User;
}

/** The fixed identity of local-development mode and of in-process CLI use. */
export const LOCAL_DEV_PRINCIPAL: Principal = { authUid: "local-dev", email: null, displayName: "Local Developer" };

/** Context for in-process callers (CLI scripts): no HTTP, acting as the given principal. */
export function createInProcessContext(deps: ApiDeps, principal: Principal = LOCAL_DEV_PRINCIPAL): RequestContext {
  return { deps, authenticate: async () => principal, idempotencyKey: null };
}

/**
 * The authenticated caller's user row, created on first sight; a disabled account
 * is refused. The one step shared by tRPC procedures and the upload route.
 */
export async function resolveUser(deps: ApiDeps, principal: Principal): Promise<User> {
  const user = await deps.store.users.findOrCreate({
    authUid: principal.authUid,
    email: principal.email,
    displayName: principal.displayName,
  });
  if (user.disabled) throw errors.authDisabled();
  return user;
}
