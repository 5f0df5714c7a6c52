import { randomBytes, randomUUID } from "node:crypto";
import type {
  CallStatus,
  Store,
  WebhookDelivery,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEventType,
  WebhookMessageType,
} from "@scryon/db";
import type { JobQueue } from "@scryon/queue";
import { Webhook } from "standardwebhooks";
import { checkWebhookUrl, WebhookUrlError } from "./address";
import { postWebhook } from "./post";
import { judge, type RetryPolicy, retryDelayMs } from "./schedule";

export const WEBHOOK_DELIVERY_JOB = "webhook.deliver";
/** How long a rotated-out secret keeps signing alongside the new one. */
export const SECRET_OVERLAP_MS = 24 * 3_600_000;

/** A fresh signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString("base64")}`;

interface WebhookLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export interface WebhookDispatcherOptions {
  store: Store;
  queue: JobQueue;
  log: WebhookLogger;
  /** Production: https only, no private or local addresses (checked at registration and before every attempt). */
  strictUrls: boolean;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: RetryPolicy;
  /** An endpoint whose attempts have failed for this long without a success is disabled (3 days by default). */
  disableAfterMs: number;
  concurrency: number;
}

/** A call's terminal state or deletion, as the pipeline, the sweepers and the API report it. */
export interface CallEvent {
  type: WebhookEventType;
  userId: string;
  callId: string;
  status: CallStatus | null;
  errorReason: string | null;
}

export interface WebhookDispatcher {
  /** Refuses a URL the policy does not allow (WebhookUrlError with a short reason). */
  checkUrl(url: string): Promise<void>;
  /** One delivery per subscribed, enabled endpoint of the user, queued at once. */
  emit(event: CallEvent): Promise<void>;
  /** A `webhook.test` message to one endpoint, whatever it subscribes to. */
  sendTest(endpoint: WebhookEndpoint): Promise<WebhookDelivery>;
  /** Queues the next attempt of a PENDING delivery (after a redeliver). */
  enqueue(delivery: WebhookDelivery): Promise<void>;
  /** One attempt (the job handler). Exposed so tests can drive it directly. */
  attempt(deliveryId: string, attempt: number): Promise<void>;
  startWorkers(): Promise<void>;
}

/** Where a client reads what an event is about; paths on the same API (docs/contract.md § Webhooks). */
function resultUrls(event: CallEvent): Record<string, string> {
  if (event.type === "call.deleted") return {};
  const call = `/api/calls/${event.callId}`;
  const urls: Record<string, string> = { call, status: `/api/calls/status?ids=${event.callId}` };
  if (event.type === "call.completed") {
    urls.transcript = `${call}/transcript`;
    urls.analysis = `${call}/analysis`;
    urls.actionItems = `${call}/action-items`;
  }
  return urls;
}

/** The signed body: type, timestamp and ids, codes and URLs only — never transcript text or personal data. */
export function eventPayload(event: CallEvent, at: Date): string {
  return JSON.stringify({
    type: event.type,
    timestamp: at.toISOString(),
    data: {
      callId: event.callId,
      status: event.status,
      errorReason: event.errorReason,
      urls: resultUrls(event),
    },
  });
}

/**
 * Webhook delivery on the job queue (docs/contract.md § Webhooks). Each attempt is one job
 * naming (delivery, attempt number); the attempt is recorded by compare-and-set,
 * so a job redelivered after its worker died repeats the POST at most once more
 * and never records it twice. The next attempt is queued with `startAfter`, at
 * the backoff the receiver's answer calls for.
 */
export function createWebhookDispatcher(options: WebhookDispatcherOptions): WebhookDispatcher {
  const { store, queue, log } = options;
  const policy = { strict: options.strictUrls };

  const send = (deliveryId: string, attempt: number, startAfter: Date) =>
    queue.send(
      WEBHOOK_DELIVERY_JOB,
      { deliveryId, attempt },
      // One job per attempt; the queue's own retries only cover a worker that failed outside the POST.
      { singletonKey: `${deliveryId}:${attempt}`, startAfter, retryLimit: 5, retryDelayMs: 2000 },
    );

  const createDelivery = async (endpoint: WebhookEndpoint, type: WebhookMessageType, payload: string) => {
    const delivery = await store.webhookDeliveries.insert({
      id: randomUUID(),
      endpointId: endpoint.id,
      userId: endpoint.userId,
      eventType: type,
      messageId: `msg_${randomUUID().replace(/-/g, "")}`,
      payload,
    });
    await send(delivery.id, 1, delivery.createdAt);
    return delivery;
  };

  /** Signs with the current secret, and with the previous one while its overlap lasts (space-separated, as the standard allows). */
  const sign = (endpoint: WebhookEndpoint, delivery: WebhookDelivery, at: Date) => {
    const secrets = [endpoint.secret];
    if (endpoint.previousSecret && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > at)
      secrets.push(endpoint.previousSecret);
    return secrets.map((secret) => new Webhook(secret).sign(delivery.messageId, at, delivery.payload)).join(" ");
  };

  /** Records attempt N (stamped with when it was sent) and queues N + 1 if it is due. */
  const finish = async (
    delivery: WebhookDelivery,
    attempt: number,
    outcome: { at?: Date; statusCode: number | null; durationMs: number; error: string | null },
    next: { status: WebhookDeliveryStatus; failureReason: string | null; nextAttemptAt: Date | null },
  ) => {
    const { at = new Date(), ...rest } = outcome;
    const recorded = await store.webhookDeliveries.recordAttempt(delivery.id, { attempt, at, ...rest }, next);
    if (!recorded) return false;
    if (next.status === "PENDING" && next.nextAttemptAt) await send(delivery.id, attempt + 1, next.nextAttemptAt);
    return true;
  };

  async function attempt(deliveryId: string, number: number): Promise<void> {
    const delivery = await store.webhookDeliveries.getById(deliveryId);
    if (delivery?.status !== "PENDING") return;
    if (delivery.attempts >= number) {
      // This attempt was recorded but its worker died before queuing the next: queue it now (the singleton key dedupes).
      if (delivery.attempts === number && delivery.nextAttemptAt)
        await send(delivery.id, number + 1, delivery.nextAttemptAt);
      return;
    }
    const attemptNumber = delivery.attempts + 1;
    const endpoint = await store.webhooks.getById(delivery.endpointId);
    if (!endpoint) return;
    if (!endpoint.enabled) {
      await finish(
        delivery,
        attemptNumber,
        { statusCode: null, durationMs: 0, error: "endpoint_disabled" },
        { status: "FAILED", failureReason: "endpoint_disabled", nextAttemptAt: null },
      );
      return;
    }

    let url: URL;
    try {
      url = await checkWebhookUrl(endpoint.url, policy);
    } catch (error) {
      if (!(error instanceof WebhookUrlError)) throw error;
      await finish(
        delivery,
        attemptNumber,
        { statusCode: null, durationMs: 0, error: "refused_address" },
        { status: "FAILED", failureReason: "refused_address", nextAttemptAt: null },
      );
      return;
    }

    const at = new Date();
    const result = await postWebhook({
      url,
      headers: {
        "webhook-id": delivery.messageId,
        "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
        "webhook-signature": sign(endpoint, delivery, at),
      },
      body: delivery.payload,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      strict: options.strictUrls,
    });
    const verdict = judge(result);
    const outcome = {
      at,
      statusCode: result.kind === "response" ? result.statusCode : null,
      durationMs: result.durationMs,
      error: verdict.kind === "succeeded" ? null : verdict.error,
    };

    let next: { status: WebhookDeliveryStatus; failureReason: string | null; nextAttemptAt: Date | null };
    if (verdict.kind === "succeeded") next = { status: "SUCCEEDED", failureReason: null, nextAttemptAt: null };
    else if (verdict.kind === "stop") next = { status: "FAILED", failureReason: verdict.reason, nextAttemptAt: null };
    else {
      const retryAt = new Date(Date.now() + retryDelayMs(attemptNumber, options.retry, verdict.retryAfterMs));
      next =
        retryAt.getTime() > delivery.windowStartedAt.getTime() + options.retry.windowMs
          ? { status: "FAILED", failureReason: "retries_exhausted", nextAttemptAt: null }
          : { status: "PENDING", failureReason: null, nextAttemptAt: retryAt };
    }

    if (!(await finish(delivery, attemptNumber, outcome, next))) return;
    const now = new Date();
    const { disabled } = await store.webhooks.recordOutcome(endpoint.id, {
      succeeded: verdict.kind === "succeeded",
      at: now,
      disableIfFailingSince: new Date(now.getTime() - options.disableAfterMs),
      disableReason: "failing_for_too_long",
    });
    if (disabled) log.warn({ webhookId: endpoint.id }, "webhook endpoint disabled after failing for too long");
  }

  return {
    async checkUrl(url) {
      await checkWebhookUrl(url, policy);
    },
    async emit(event) {
      const endpoints = await store.webhooks.subscribed(event.userId, event.type);
      if (endpoints.length === 0) return;
      const payload = eventPayload(event, new Date());
      for (const endpoint of endpoints) await createDelivery(endpoint, event.type, payload);
    },
    sendTest(endpoint) {
      const payload = JSON.stringify({
        type: "webhook.test",
        timestamp: new Date().toISOString(),
        data: { webhookId: endpoint.id },
      });
      return createDelivery(endpoint, "webhook.test", payload);
    },
    async enqueue(delivery) {
      await send(delivery.id, delivery.attempts + 1, delivery.nextAttemptAt ?? new Date());
    },
    attempt,
    async startWorkers() {
      await queue.work<{ deliveryId: string; attempt: number }>(
        WEBHOOK_DELIVERY_JOB,
        { concurrency: options.concurrency },
        (job) => attempt(job.data.deliveryId, job.data.attempt),
      );
    },
  };
}
