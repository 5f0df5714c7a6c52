import { randomUUID } from "node:crypto";
import type { ActionItemStatus, Priority, User } from "@scryon/db";
import type { ApiDeps } from "../context";
import { keysetPage } from "../cursor";
import { errors } from "../errors";
import { toActionItemDto } from "../serialize";
import { isUuid, requireCall } from "./calls";
import { reindexActionItems } from "./search";

export async function listUserActionItems(
  deps: ApiDeps,
  user: User,
  input: { limit: number; cursor?: string | undefined; status?: ActionItemStatus | undefined },
) {
  const filter = input.status ?? null;
  return keysetPage(
    { limit: input.limit, cursor: input.cursor, filter },
    ({ limit, after }) => deps.store.actionItems.listForUser(user.id, { limit, after, status: filter }),
    toActionItemDto,
  );
}

export async function listCallActionItems(deps: ApiDeps, user: User, callId: string) {
  await requireCall(deps, user, callId);
  return { items: (await deps.store.actionItems.listForCall(user.id, callId)).map(toActionItemDto) };
}

export async function createManualActionItem(
  deps: ApiDeps,
  user: User,
  callId: string,
  input: {
    title: string;
    description?: string | undefined;
    dueDate?: string | undefined;
    priority?: Priority | undefined;
  },
) {
  await requireCall(deps, user, callId);
  const item = await deps.store.actionItems.insert({
    id: randomUUID(),
    callId,
    userId: user.id,
    title: input.title,
    description: input.description ?? null,
    dueDate: input.dueDate ?? null,
    status: "OPEN",
    priority: input.priority ?? "MEDIUM",
    source: "MANUAL",
    sourceText: null,
    ownerSpeakerId: null,
    ownerSpeakerLabel: null,
    ownerDisplayName: null,
    ownerRole: null,
    sourceSegmentIds: [],
    intent: null,
    intentMetadata: null,
  });
  await reindexActionItems(deps, user, callId);
  return toActionItemDto(item);
}

export async function replaceActionItem(
  deps: ApiDeps,
  user: User,
  id: string,
  input: {
    title: string;
    description: string | null;
    dueDate: string | null;
    priority: Priority;
    status: ActionItemStatus;
  },
) {
  if (!isUuid(id)) throw errors.actionItemNotFound();
  const item = await deps.store.actionItems.update(user.id, id, input);
  if (!item) throw errors.actionItemNotFound();
  await reindexActionItems(deps, user, item.callId);
  return toActionItemDto(item);
}

export async function setActionItemStatus(deps: ApiDeps, user: User, id: string, status: ActionItemStatus) {
  if (!isUuid(id)) throw errors.actionItemNotFound();
  const item = await deps.store.actionItems.update(user.id, id, { status });
  if (!item) throw errors.actionItemNotFound();
  return toActionItemDto(item);
}

export async function deleteActionItem(deps: ApiDeps, user: User, id: string) {
  const item = isUuid(id) ? await deps.store.actionItems.get(user.id, id) : null;
  if (!item || !(await deps.store.actionItems.delete(user.id, id))) throw errors.actionItemNotFound();
  await reindexActionItems(deps, user, item.callId);
}
