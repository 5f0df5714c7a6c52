import { withLegacyAliases } from "@scryon/analysis";
import type { CallRecord, CallStatus, User } from "@scryon/db";
import { callPrefix, ObjectNotFoundError } from "@scryon/storage";
import type { ApiDeps } from "../context";
import { keysetPage } from "../cursor";
import { errors } from "../errors";
import { isoSeconds, toCallDetail, toCallListItem } from "../serialize";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are server-made UUIDs: anything else cannot exist, and is answered like a missing call. */
export const isUuid = (id: string) => UUID.test(id);

export async function requireCall(deps: ApiDeps, user: User, callId: string): Promise<CallRecord> {
  if (!isUuid(callId)) throw errors.callNotFound();
  const call = await deps.store.calls.get(user.id, callId);
  if (!call) throw errors.callNotFound();
  return call;
}

export async function listCalls(
  deps: ApiDeps,
  user: User,
  input: { limit: number; cursor?: string | undefined; status?: CallStatus | undefined },
) {
  const filter = input.status ?? null;
  return keysetPage(
    { limit: input.limit, cursor: input.cursor, filter },
    ({ limit, after }) => deps.store.calls.list(user.id, { limit, after, status: filter }),
    toCallListItem,
  );
}

/**
 * The polled ids' statuses, in the order asked, each id once. Ids that are not UUIDs, unknown or another
 * user's are left out silently: a poll never reveals what exists. Plain loops: this runs on every phone's
 * poll, and the Set, spread, filter, Map and flatMap it was written with cost 13 µs and about 15 KB of
 * garbage per poll of 50 ids. (A repeated id reaches the query twice, which matches its row once.)
 */
export async function pollStatuses(deps: ApiDeps, user: User, ids: string[]) {
  const uuids: string[] = [];
  for (const id of ids) if (isUuid(id)) uuids.push(id);
  const statusById = new Map<string, CallStatus>();
  for (const row of await deps.store.calls.statuses(user.id, uuids)) statusById.set(row.id, row.status);
  const items: Array<{ callId: string; status: CallStatus }> = [];
  for (const callId of uuids) {
    const status = statusById.get(callId);
    if (status === undefined) continue;
    statusById.delete(callId); // answered once, where it was first asked
    items.push({ callId, status });
  }
  return { items };
}

export async function getCallDetail(deps: ApiDeps, user: User, callId: string) {
  return toCallDetail(await requireCall(deps, user, callId));
}

export async function updateCall(
  deps: ApiDeps,
  user: User,
  callId: string,
  patch: { title?: string | undefined; summary?: string | undefined; notes?: string | undefined },
) {
  if (!isUuid(callId)) throw errors.callNotFound();
  // Omitted = unchanged; empty string = cleared.
  const clearIfEmpty = (v: string | undefined) => (v === undefined ? undefined : v.trim() === "" ? null : v.trim());
  const updated = await deps.store.calls.update(user.id, callId, {
    ...(patch.title !== undefined && { title: clearIfEmpty(patch.title) }),
    ...(patch.summary !== undefined && { summaryOverride: clearIfEmpty(patch.summary) }),
    ...(patch.notes !== undefined && { notes: clearIfEmpty(patch.notes) }),
  });
  if (!updated) throw errors.callNotFound();
  return toCallDetail(updated);
}

/**
 * Artifacts first, then the row (docs/contract.md § Calls): a failure in between leaves only
 * orphan objects, which the sweeper removes — never a row without its files.
 */
export async function deleteCall(deps: ApiDeps, user: User, callId: string): Promise<void> {
  const call = await requireCall(deps, user, callId);
  if (!(await purgeCall(deps, user.id, callId))) return;
  // docs/contract.md § Webhooks: `call.deleted`; a webhook that cannot be queued does not undo the delete.
  await deps.webhooks
    .emit({ type: "call.deleted", userId: user.id, callId, status: call.status, errorReason: call.errorReason })
    .catch((error: unknown) =>
      deps.log.warn({ callId, err: error instanceof Error ? error.name : "error" }, "call event not queued"),
    );
}

/**
 * The one way a call is hard-deleted, shared by DELETE, account deletion and the
 * retention sweeper (docs/contract.md § Retention and account deletion): its
 * objects first, then its row (artifact rows, items and events cascade), then its
 * queue rows. False when the row was already gone.
 */
export async function purgeCall(
  deps: Pick<ApiDeps, "store" | "storage" | "pipeline" | "log">,
  userId: string,
  callId: string,
): Promise<boolean> {
  await deps.storage.deletePrefix(callPrefix(userId, callId));
  if (!(await deps.store.calls.delete(userId, callId))) return false;
  // Its queue rows go too (docs/contract.md § Privacy rules). The call is already
  // gone, so a failure here is logged, not reported: a left-over job finds no call.
  await deps.pipeline.forget(callId).catch((error: unknown) => {
    deps.log.warn({ err: error instanceof Error ? error.message : "error" }, "could not remove a deleted call's jobs");
  });
  return true;
}

export async function deleteCalls(deps: ApiDeps, user: User, callIds: string[]) {
  let deleted = 0;
  let missing = 0;
  const failed: Array<{ callId: string; code: string }> = [];
  for (const callId of new Set(callIds)) {
    try {
      await deleteCall(deps, user, callId);
      deleted++;
    } catch (error) {
      if (error instanceof Error && "code" in error && error.code === "call_not_found") missing++;
      else failed.push({ callId, code: "delete_failed" });
    }
  }
  return { deleted, missing, failed };
}

export async function readArtifactJson(
  deps: ApiDeps,
  call: CallRecord,
  type: "NORMALIZED_TRANSCRIPT_JSON" | "ANALYSIS_JSON",
) {
  const artifact = await deps.store.artifacts.get(call.id, type);
  if (!artifact) return null;
  try {
    return JSON.parse((await deps.storage.getBuffer(artifact.storageKey)).toString("utf8")) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
}

export async function getTranscript(deps: ApiDeps, user: User, callId: string) {
  const call = await requireCall(deps, user, callId);
  if (call.status !== "COMPLETED") throw errors.callNotCompleted(call.status);
  const document = await readArtifactJson(deps, call, "NORMALIZED_TRANSCRIPT_JSON");
  if (!document) throw errors.transcriptNotFound();
  return document;
}

export async function getAnalysis(deps: ApiDeps, user: User, callId: string) {
  const call = await requireCall(deps, user, callId);
  if (call.status !== "COMPLETED") throw errors.callNotCompleted(call.status);
  const document = await readArtifactJson(deps, call, "ANALYSIS_JSON");
  if (!document) throw errors.analysisNotFound();
  return withLegacyAliases(document);
}

/**
 * Re-queues a call that FAILED on a transient fault while its raw audio is still
 * stored (docs/contract.md § Calls). Idempotent: a call already queued or
 * processing again is answered as it is. Anything else is a 409 with the reason.
 */
export async function retryCall(deps: ApiDeps, user: User, callId: string) {
  const call = await requireCall(deps, user, callId);
  if (call.status === "COMPLETED") throw errors.stateConflict(call.status, "call_completed");
  if (call.status === "FAILED") {
    if (!call.failureTransient) throw errors.stateConflict(call.status, "failure_not_transient");
    const audio = await deps.store.artifacts.get(call.id, "TEMP_AUDIO");
    if (!audio || !(await deps.storage.exists(audio.storageKey)))
      throw errors.stateConflict(call.status, "audio_deleted");
    const requeued = await deps.store.calls.transition(call.id, ["FAILED"], "QUEUED", {
      errorReason: null,
      failureTransient: false,
      staleRequeues: 0,
      retryStage: null,
      retryAttempts: 0,
      retryingUntil: null,
    });
    if (requeued) await deps.pipeline.enqueue(call.id);
  }
  return getCallDetail(deps, user, callId);
}

export async function reanalyzeCall(deps: ApiDeps, user: User, callId: string) {
  const call = await requireCall(deps, user, callId);
  if (call.status !== "COMPLETED") throw errors.stateConflict(call.status);
  if (!(await deps.store.artifacts.get(call.id, "NORMALIZED_TRANSCRIPT_JSON"))) throw errors.transcriptNotFound();
  try {
    await deps.pipeline.reanalyze(call.id);
  } catch (error) {
    // The analyser failed (e.g. the LLM answered 4xx): the previous analysis stays.
    const code = (error as { name?: string; code?: unknown }).code;
    if ((error as Error).name === "StageError" && typeof code === "string") throw errors.analysisFailed(code);
    throw error;
  }
  return getCallDetail(deps, user, callId);
}

/** The egress ledger (docs/contract.md § Egress ledger): each stage's event, and who received what. */
export async function getProcessingLedger(deps: ApiDeps, user: User, callId: string) {
  const call = await requireCall(deps, user, callId);
  const events = await deps.store.events.list(call.id);
  return {
    callId: call.id,
    stages: events.map((event) => ({
      stage: event.stage,
      status: event.status,
      provider: event.provider,
      durationMs: event.durationMs,
      errorCode: event.errorCode,
      at: isoSeconds(event.createdAt),
    })),
    egress: events.flatMap((event) =>
      event.host && event.dataSent
        ? [
            {
              stage: event.stage,
              provider: event.provider,
              model: event.model,
              host: event.host,
              received: event.dataSent,
              status: event.status,
              at: isoSeconds(event.createdAt),
            },
          ]
        : [],
    ),
  };
}
