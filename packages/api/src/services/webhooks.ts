import { randomUUID } from "node:crypto";
import type { User, WebhookDelivery, WebhookEndpoint, WebhookEventType } from "@scryon/db";
import { generateWebhookSecret, SECRET_OVERLAP_MS, WebhookUrlError } from "@scryon/webhooks";
import type { z } from "zod";
import type { ApiDeps } from "../context";
import { keysetPage } from "../cursor";
import { errors } from "../errors";
import type { webhookDeliverySchema, webhookSchema } from "../schemas";
import { isoSeconds } from "../serialize";
import { isUuid } from "./calls";

/** docs/contract.md § Webhooks: endpoints, secrets, tests, deliveries and redelivery, all owner-scoped. */

function toWebhookDto(endpoint: WebhookEndpoint, now = new Date()): z.infer<typeof webhookSchema> {
  const overlap = endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now;
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description ?? undefined,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    previousSecretExpiresAt: overlap ? isoSeconds(endpoint.previousSecretExpiresAt!) : undefined,
    createdAt: isoSeconds(endpoint.createdAt),
    updatedAt: isoSeconds(endpoint.updatedAt),
  };
}

function toDeliveryDto(delivery: WebhookDelivery): z.infer<typeof webhookDeliverySchema> {
  const last = delivery.attemptLog.at(-1);
  return {
    id: delivery.id,
    webhookId: delivery.endpointId,
    eventType: delivery.eventType,
    messageId: delivery.messageId,
    status: delivery.status,
    attempts: delivery.attempts,
    responseStatusCode: last?.statusCode ?? null,
    durationMs: last?.durationMs ?? null,
    failureReason: delivery.failureReason,
    nextAttemptAt:
      delivery.status === "PENDING" && delivery.nextAttemptAt ? delivery.nextAttemptAt.toISOString() : undefined,
    attemptLog: delivery.attemptLog.map((a) => ({ ...a, at: a.at.toISOString() })),
    createdAt: isoSeconds(delivery.createdAt),
    updatedAt: isoSeconds(delivery.updatedAt),
  };
}

/** A refused URL is bad input: 400 validation_failed naming the field (docs/contract.md § Errors). */
async function checkUrl(deps: ApiDeps, url: string): Promise<void> {
  try {
    await deps.webhooks.checkUrl(url);
  } catch (error) {
    if (error instanceof WebhookUrlError)
      throw errors.validation("Webhook URL refused", { fields: [{ path: "url", message: error.reason }] });
    throw error;
  }
}

async function requireWebhook(deps: ApiDeps, user: User, id: string): Promise<WebhookEndpoint> {
  if (!isUuid(id)) throw errors.webhookNotFound();
  const endpoint = await deps.store.webhooks.get(user.id, id);
  if (!endpoint) throw errors.webhookNotFound();
  return endpoint;
}

const unique = (events: WebhookEventType[]) => [...new Set(events)];

export async function createWebhook(
  deps: ApiDeps,
  user: User,
  input: { url: string; events: WebhookEventType[]; description?: string | undefined },
) {
  await checkUrl(deps, input.url);
  const endpoint = await deps.store.webhooks.insert({
    id: randomUUID(),
    userId: user.id,
    url: input.url,
    description: input.description?.trim() || null,
    events: unique(input.events),
    secret: generateWebhookSecret(),
  });
  return { ...toWebhookDto(endpoint), secret: endpoint.secret };
}

export async function listWebhooks(deps: ApiDeps, user: User, input: { limit: number; cursor?: string | undefined }) {
  return keysetPage(
    { limit: input.limit, cursor: input.cursor, filter: null },
    ({ limit, after }) => deps.store.webhooks.list(user.id, { limit, after }),
    (endpoint) => toWebhookDto(endpoint),
  );
}

export async function getWebhook(deps: ApiDeps, user: User, id: string) {
  return toWebhookDto(await requireWebhook(deps, user, id));
}

export async function updateWebhook(
  deps: ApiDeps,
  user: User,
  id: string,
  patch: {
    url?: string | undefined;
    events?: WebhookEventType[] | undefined;
    description?: string | undefined;
    enabled?: boolean | undefined;
  },
) {
  await requireWebhook(deps, user, id);
  if (patch.url !== undefined) await checkUrl(deps, patch.url);
  const updated = await deps.store.webhooks.update(user.id, id, {
    ...(patch.url !== undefined && { url: patch.url }),
    ...(patch.events !== undefined && { events: unique(patch.events) }),
    // Omitted = unchanged; empty = cleared (docs/contract.md § Calls, the same rule as PATCH /calls/{id}).
    ...(patch.description !== undefined && { description: patch.description.trim() || null }),
    // Enabling again (by the user) forgets the failing run and the reason it was disabled.
    ...(patch.enabled !== undefined && {
      enabled: patch.enabled,
      disabledReason: null,
      ...(patch.enabled && { failingSince: null }),
    }),
  });
  if (!updated) throw errors.webhookNotFound();
  return toWebhookDto(updated);
}

export async function deleteWebhook(deps: ApiDeps, user: User, id: string): Promise<void> {
  if (!isUuid(id) || !(await deps.store.webhooks.delete(user.id, id))) throw errors.webhookNotFound();
}

/** A new secret; the old one keeps signing alongside it for 24 hours, so receivers can switch without a gap. */
export async function rotateWebhookSecret(deps: ApiDeps, user: User, id: string) {
  const endpoint = await requireWebhook(deps, user, id);
  const expiresAt = new Date(Date.now() + SECRET_OVERLAP_MS);
  const updated = await deps.store.webhooks.update(user.id, id, {
    secret: generateWebhookSecret(),
    previousSecret: endpoint.secret,
    previousSecretExpiresAt: expiresAt,
  });
  if (!updated) throw errors.webhookNotFound();
  return { id: updated.id, secret: updated.secret, previousSecretExpiresAt: isoSeconds(expiresAt) };
}

export async function testWebhook(deps: ApiDeps, user: User, id: string) {
  const endpoint = await requireWebhook(deps, user, id);
  return toDeliveryDto(await deps.webhooks.sendTest(endpoint));
}

export async function listDeliveries(
  deps: ApiDeps,
  user: User,
  id: string,
  input: { limit: number; cursor?: string | undefined },
) {
  await requireWebhook(deps, user, id);
  return keysetPage(
    { limit: input.limit, cursor: input.cursor, filter: null },
    ({ limit, after }) => deps.store.webhookDeliveries.list(user.id, id, { limit, after }),
    toDeliveryDto,
  );
}

/** Sends a finished delivery again: the same `webhook-id` and body, a fresh 24-hour retry window. */
export async function redeliver(deps: ApiDeps, user: User, id: string, deliveryId: string) {
  await requireWebhook(deps, user, id);
  if (!isUuid(deliveryId)) throw errors.webhookDeliveryNotFound();
  const existing = await deps.store.webhookDeliveries.get(user.id, id, deliveryId);
  if (!existing) throw errors.webhookDeliveryNotFound();
  const reopened = await deps.store.webhookDeliveries.reopen(user.id, id, deliveryId, new Date());
  if (!reopened) throw errors.webhookDeliveryPending();
  await deps.webhooks.enqueue(reopened);
  return toDeliveryDto(reopened);
}
