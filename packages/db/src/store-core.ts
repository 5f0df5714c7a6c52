import { createActionItems } from "./action-items";
import { createArtifacts } from "./artifacts";
import { createCalls } from "./calls";
import { createContacts } from "./contacts";
import type { Shared } from "./dialect";
import { createEvents } from "./events";
import { createIdempotency } from "./idempotency";
import type { Store } from "./store";
import { createUsers } from "./users";
import { createWebhookDeliveries, createWebhookEndpoints } from "./webhooks";

/**
 * The sub-objects whose queries are the same in both dialects, built over one store's handle, tables and
 * dialect. A new shared sub-object is one line here; one a dialect writes itself is one line in each store.
 */
export function createStoreCore(shared: Shared) {
  return {
    users: createUsers(shared),
    calls: createCalls(shared),
    artifacts: createArtifacts(shared),
    events: createEvents(shared),
    actionItems: createActionItems(shared),
    webhooks: createWebhookEndpoints(shared),
    webhookDeliveries: createWebhookDeliveries(shared),
    idempotency: createIdempotency(shared),
    contacts: createContacts(shared),
  } satisfies Partial<Store>;
}
