import { WEBHOOK_EVENT_TYPES } from "@scryon/db/model";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { apiErrorOf, type RouterOutputs, trpc } from "../lib/trpc";

type Webhook = RouterOutputs["webhooks"]["list"]["items"][number];
type Delivery = RouterOutputs["webhooks"]["deliveries"]["items"][number];
type EventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const keys = {
  list: ["webhooks.list"] as const,
  deliveries: (id: string) => ["webhooks.deliveries", id] as const,
};

/** Settings → Webhooks (docs/contract.md § Webhooks): add, test and inspect endpoints. */
export function WebhooksPage() {
  const list = useQuery({ queryKey: keys.list, queryFn: () => trpc.webhooks.list.query({ limit: 100 }) });
  const [secret, setSecret] = useState<{ label: string; value: string } | null>(null);
  return (
    <div className="page">
      <h1 className="page-title">Webhooks</h1>
      <AddWebhook onSecret={setSecret} />
      {secret && (
        <section className="panel" aria-labelledby="secret-heading" role="status">
          <h2 id="secret-heading">{secret.label}</h2>
          <p>Copy it now: it is not shown again. Verify deliveries with it (see the README's receiver).</p>
          <code className="secret" data-testid="webhook-secret">
            {secret.value}
          </code>
          <button type="button" className="button ghost small" onClick={() => setSecret(null)}>
            Done
          </button>
        </section>
      )}
      <section className="panel" aria-labelledby="endpoints-heading">
        <div className="panel-head">
          <h2 id="endpoints-heading">Endpoints</h2>
        </div>
        {list.isPending ? (
          <p className="muted">Loading…</p>
        ) : list.isError ? (
          <p className="form-error" role="alert">
            {apiErrorOf(list.error).message}
          </p>
        ) : list.data.items.length === 0 ? (
          <p className="empty">No endpoints yet.</p>
        ) : (
          <ul className="webhook-list">
            {list.data.items.map((webhook) => (
              <WebhookRow key={webhook.id} webhook={webhook} onSecret={setSecret} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

function AddWebhook({ onSecret }: { onSecret: (secret: { label: string; value: string }) => void }) {
  const queryClient = useQueryClient();
  const fieldId = useId();
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventType[]>(["call.completed", "call.failed"]);
  const create = useMutation({
    mutationFn: () =>
      trpc.webhooks.create.mutate({ url, events, ...(description.trim() && { description: description.trim() }) }),
    onSuccess: (created) => {
      setUrl("");
      setDescription("");
      onSecret({ label: "Signing secret for the new endpoint", value: created.secret });
      void queryClient.invalidateQueries({ queryKey: keys.list });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const toggle = (type: EventType) =>
    setEvents((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type]));
  return (
    <section className="panel" aria-labelledby="add-webhook-heading">
      <h2 id="add-webhook-heading">Add an endpoint</h2>
      <form className="upload-form" onSubmit={submit}>
        <div className="field-row">
          <div className="field">
            <label htmlFor={`${fieldId}-url`}>URL</label>
            <input
              id={`${fieldId}-url`}
              name="url"
              type="url"
              required
              maxLength={2048}
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://example.com/scryon"
            />
          </div>
          <div className="field">
            <label htmlFor={`${fieldId}-description`}>Description</label>
            <input
              id={`${fieldId}-description`}
              name="description"
              maxLength={500}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              placeholder="CRM sync"
            />
          </div>
        </div>
        <fieldset className="event-choices">
          <legend>Events</legend>
          {WEBHOOK_EVENT_TYPES.map((type) => (
            <label key={type}>
              <input type="checkbox" checked={events.includes(type)} onChange={() => toggle(type)} /> {type}
            </label>
          ))}
        </fieldset>
        <div className="upload-actions">
          <button type="submit" className="button primary" disabled={create.isPending || events.length === 0}>
            {create.isPending ? "Adding…" : "Add endpoint"}
          </button>
        </div>
        {create.isError && (
          <p className="form-error" role="alert">
            {describeError(create.error)}
          </p>
        )}
      </form>
    </section>
  );
}

/** The API's message, with the field-level reason (a refused URL says why). */
function describeError(error: unknown): string {
  const { message } = apiErrorOf(error);
  const details = (error as { data?: { error?: { details?: { fields?: Array<{ message: string }> } } } }).data?.error
    ?.details;
  const reason = details?.fields?.[0]?.message;
  return reason ? `${message}: ${reason}` : message;
}

function WebhookRow({
  webhook,
  onSecret,
}: {
  webhook: Webhook;
  onSecret: (secret: { label: string; value: string }) => void;
}) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: keys.list });
    void queryClient.invalidateQueries({ queryKey: keys.deliveries(webhook.id) });
  };
  const test = useMutation({
    mutationFn: () => trpc.webhooks.test.mutate({ id: webhook.id }),
    onSuccess: () => {
      setOpen(true);
      refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: () => trpc.webhooks.rotateSecret.mutate({ id: webhook.id }),
    onSuccess: (rotated) => {
      onSecret({ label: "New signing secret (the old one also signs for 24 hours)", value: rotated.secret });
      refresh();
    },
  });
  const setEnabled = useMutation({
    mutationFn: (enabled: boolean) => trpc.webhooks.update.mutate({ id: webhook.id, enabled }),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: () => trpc.webhooks.delete.mutate({ id: webhook.id }),
    onSuccess: refresh,
  });
  const failed = [test, rotate, setEnabled, remove].find((m) => m.isError);
  return (
    <li className="webhook" data-webhook-id={webhook.id}>
      <div className="panel-head">
        <div>
          <strong className="webhook-url">{webhook.url}</strong>
          {webhook.description && <span className="muted"> — {webhook.description}</span>}
          <div className="muted">
            {webhook.events.join(", ")}
            {" · "}
            {webhook.enabled
              ? "enabled"
              : `disabled${webhook.disabledReason ? ` (${webhook.disabledReason.replace(/_/g, " ")})` : ""}`}
          </div>
        </div>
        <div className="webhook-actions">
          <button type="button" className="button small" onClick={() => test.mutate()} disabled={test.isPending}>
            Send test
          </button>
          <button type="button" className="button ghost small" onClick={() => setOpen((v) => !v)} aria-expanded={open}>
            Deliveries
          </button>
          <button type="button" className="button ghost small" onClick={() => rotate.mutate()}>
            Rotate secret
          </button>
          <button type="button" className="button ghost small" onClick={() => setEnabled.mutate(!webhook.enabled)}>
            {webhook.enabled ? "Disable" : "Enable"}
          </button>
          <button type="button" className="button ghost small danger" onClick={() => remove.mutate()}>
            Delete
          </button>
        </div>
      </div>
      {failed && (
        <p className="form-error" role="alert">
          {apiErrorOf(failed.error).message}
        </p>
      )}
      {open && <Deliveries webhookId={webhook.id} />}
    </li>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  const queryClient = useQueryClient();
  const deliveries = useQuery({
    queryKey: keys.deliveries(webhookId),
    queryFn: () => trpc.webhooks.deliveries.query({ id: webhookId, limit: 20 }),
    // Pending deliveries change on their own; look again while any is in flight.
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === "PENDING") ? 1000 : false),
  });
  const redeliver = useMutation({
    mutationFn: (deliveryId: string) => trpc.webhooks.redeliver.mutate({ id: webhookId, deliveryId }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.deliveries(webhookId) }),
  });
  if (deliveries.isPending) return <p className="muted">Loading…</p>;
  if (deliveries.isError)
    return (
      <p className="form-error" role="alert">
        {apiErrorOf(deliveries.error).message}
      </p>
    );
  if (deliveries.data.items.length === 0) return <p className="empty">No deliveries yet.</p>;
  return (
    <table className="deliveries">
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Response</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempts</th>
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {deliveries.data.items.map((delivery: Delivery) => (
          <tr key={delivery.id} data-status={delivery.status}>
            <td>{delivery.eventType}</td>
            <td>
              <span
                className={`badge badge-${delivery.status === "SUCCEEDED" ? "completed" : delivery.status.toLowerCase()}`}
              >
                {delivery.status.toLowerCase()}
              </span>
              {delivery.failureReason && <span className="muted"> {delivery.failureReason.replace(/_/g, " ")}</span>}
            </td>
            <td>{delivery.responseStatusCode ?? "—"}</td>
            <td>{delivery.durationMs === null ? "—" : `${delivery.durationMs} ms`}</td>
            <td>{delivery.attempts}</td>
            <td>
              {delivery.status !== "PENDING" && (
                <button type="button" className="button ghost small" onClick={() => redeliver.mutate(delivery.id)}>
                  Redeliver
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
