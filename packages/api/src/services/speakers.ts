import { reconcileActionItemOwners } from "@scryon/analysis";
import type { ActionItemOwner, CallRecord, SpeakerCorrectionRecord, SpeakerRole, User } from "@scryon/db";
import { artifactKey } from "@scryon/storage";
import {
  applySpeakerCorrections,
  planSpeakerCorrection,
  type TranscriptDocument,
  transcriptDocumentSchema,
} from "@scryon/transcript";
import type { ApiDeps } from "../context";
import { errors } from "../errors";
import { readArtifactJson, reanalyzeCall, requireCall } from "./calls";
import { renameContact } from "./contacts";
import { reindexCall } from "./search";

export interface SpeakerCorrectionRequest {
  displayName?: string | null | undefined;
  role?: SpeakerRole | undefined;
  reanalyze?: boolean | undefined;
}

/**
 * Corrects one speaker of a completed call (docs/contract.md § Speaker corrections). The corrections are stored
 * first, as the source of truth that every later speaker resolution re-applies; then the transcript document is
 * rewritten from them, the AI items' owners are re-reconciled, and the analysis is re-run when asked. Each step
 * is derived from the stored corrections, so a retry after a failure halfway finishes the job.
 */
export async function correctSpeaker(
  deps: ApiDeps,
  user: User,
  callId: string,
  speakerId: string,
  request: SpeakerCorrectionRequest,
) {
  const call = await requireCall(deps, user, callId);
  if (call.status !== "COMPLETED") throw errors.stateConflict(call.status, "call_not_completed");
  const stored = await readArtifactJson(deps, call, "NORMALIZED_TRANSCRIPT_JSON");
  if (!stored) throw errors.stateConflict(call.status, "transcript_missing");
  const parsed = transcriptDocumentSchema.safeParse(stored);
  // A document stored under an older schema is served as stored, never rewritten.
  if (!parsed.success) throw errors.stateConflict(call.status, "transcript_version_unsupported");
  const document = parsed.data;
  if (!document.speakers.some((speaker) => speaker.speakerId === speakerId)) throw errors.speakerNotFound();

  const corrections = planSpeakerCorrection(
    document.speakers,
    speakerId,
    { displayName: request.displayName, role: request.role },
    { userDisplayName: user.displayName, contactName: call.contactName, phoneNumber: call.phoneNumber },
  );
  await deps.store.speakerCorrections.upsert(call.id, corrections);
  const corrected = await rewriteFromCorrections(deps, user, call, document);
  await onSpeakersCorrected(deps, user, call, corrected, speakerId, request);
  if (request.reanalyze) await reanalyzeCall(deps, user, call.id);
  return { callId: call.id, speakers: corrected.speakers, reanalyzed: request.reanalyze === true };
}

/** How often a rewrite is repeated for corrections stored meanwhile by a concurrent request. */
const REWRITE_ATTEMPTS = 3;

/**
 * Writes the transcript with every stored correction of the call applied, and re-owns the AI items from it. A
 * concurrent correction of another speaker may store its row after this one read the rows: reading them again
 * after the writes, and writing again when they changed, makes the last writes hold every correction stored
 * before them.
 */
async function rewriteFromCorrections(deps: ApiDeps, user: User, call: CallRecord, document: TranscriptDocument) {
  const fingerprint = (rows: SpeakerCorrectionRecord[]) =>
    JSON.stringify(rows.map((row) => [row.speakerId, row.displayName, row.role, row.updatedAt.getTime()]));
  let rows = await deps.store.speakerCorrections.list(call.id);
  for (let attempt = 1; ; attempt++) {
    const corrected = transcriptDocumentSchema.parse(applySpeakerCorrections(document, rows));
    await storeTranscript(deps, call, corrected);
    await reconcileAiItemOwners(deps, user, call, corrected);
    const now = await deps.store.speakerCorrections.list(call.id);
    if (fingerprint(now) === fingerprint(rows) || attempt === REWRITE_ATTEMPTS) return corrected;
    rows = now;
  }
}

/** The transcript artifact, replaced in place (docs/contract.md § Storage layout). */
async function storeTranscript(deps: ApiDeps, call: CallRecord, document: TranscriptDocument) {
  const key = artifactKey(call.userId, call.id, "NORMALIZED_TRANSCRIPT_JSON");
  const contentType = "application/json";
  const { sizeBytes } = await deps.storage.put(key, JSON.stringify(document), { contentType });
  await deps.store.artifacts.upsert({
    callId: call.id,
    type: "NORMALIZED_TRANSCRIPT_JSON",
    storageKey: key,
    contentType,
    sizeBytes,
  });
}

/**
 * The AI items' owners follow the corrected speakers (docs/contract.md § Analysis document: owners are reconciled
 * with the transcript's speakers). Only the owner fields of AI items change: what the user edited on an item, and
 * the items they made by hand, stay as they are.
 */
async function reconcileAiItemOwners(deps: ApiDeps, user: User, call: CallRecord, transcript: TranscriptDocument) {
  const items = (await deps.store.actionItems.listForCall(user.id, call.id)).filter((item) => item.source === "AI");
  const reconciled = reconcileActionItemOwners(items, transcript.speakers);
  const changed: ActionItemOwner[] = reconciled.flatMap((owner, index) => {
    const item = items[index]!;
    const next: ActionItemOwner = {
      id: item.id,
      ownerSpeakerId: owner.ownerSpeakerId,
      ownerSpeakerLabel: owner.ownerSpeakerLabel,
      ownerDisplayName: owner.ownerDisplayName,
      ownerRole: owner.ownerRole,
    };
    const same =
      next.ownerSpeakerId === item.ownerSpeakerId &&
      next.ownerSpeakerLabel === item.ownerSpeakerLabel &&
      next.ownerDisplayName === item.ownerDisplayName &&
      next.ownerRole === item.ownerRole;
    return same ? [] : [next];
  });
  if (changed.length > 0) await deps.store.speakerCorrections.setAiItemOwners(call.id, changed);
}

/**
 * What else follows a speaker correction, once the corrected transcript and the items' owners are stored and
 * before any reanalysis: the call's search documents are rebuilt from the corrected transcript (hits name the
 * speaker as corrected), and a name given to the call's other party becomes its contact's name
 * (docs/contract.md § Speaker corrections).
 */
async function onSpeakersCorrected(
  deps: ApiDeps,
  user: User,
  call: CallRecord,
  transcript: TranscriptDocument,
  speakerId: string,
  request: SpeakerCorrectionRequest,
): Promise<void> {
  await reindexCall(deps, user, call.id);
  const speaker = transcript.speakers.find((candidate) => candidate.speakerId === speakerId);
  // The name as the correction stored it (trimmed, spaces collapsed), not as it was sent.
  if (call.contactRef && request.displayName && speaker?.role === "CONTACT" && speaker.displayName)
    await renameContact(deps, user, call.contactRef, speaker.displayName);
}
