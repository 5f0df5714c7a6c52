export { checkWebhookUrl, isBlockedAddress, type UrlPolicy, WebhookUrlError } from "./address";
export {
  type CallEvent,
  createWebhookDispatcher,
  eventPayload,
  generateWebhookSecret,
  SECRET_OVERLAP_MS,
  WEBHOOK_DELIVERY_JOB,
  type WebhookDispatcher,
  type WebhookDispatcherOptions,
} from "./dispatcher";
export { type PostResult, parseRetryAfter, postWebhook } from "./post";
export { judge, type RetryPolicy, retryDelayMs, type Verdict } from "./schedule";
