import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { humanize } from "../lib/format";
import { callActionsQuery, keys, putActionItem } from "../lib/queries";
import { hrefOf } from "../lib/router";
import { type ActionItem, type ActionItemStatus, apiErrorOf, type Priority, trpc } from "../lib/trpc";

const PRIORITIES: Priority[] = ["LOW", "MEDIUM", "HIGH"];

/** Mutations on one action item; every view that lists items is refreshed afterwards. */
function useActionItemMutations(item: ActionItem) {
  const queryClient = useQueryClient();
  const settle = (updated?: ActionItem) => {
    if (updated) putActionItem(queryClient, updated);
    void queryClient.invalidateQueries({ queryKey: keys.callActions(item.callRecordId) });
    void queryClient.invalidateQueries({ queryKey: keys.allActions });
    void queryClient.invalidateQueries({ queryKey: keys.calls });
  };
  return {
    toggle: useMutation({
      mutationFn: (status: ActionItemStatus) => trpc.actionItems.setStatus.mutate({ id: item.id, status }),
      // Optimistic: the checkbox follows the click at once; a failure puts the server's state back.
      onMutate: async (status) => {
        // A refetch already in flight would otherwise land after this and undo it.
        await queryClient.cancelQueries({ queryKey: keys.callActions(item.callRecordId) });
        await queryClient.cancelQueries({ queryKey: keys.allActions });
        putActionItem(queryClient, { ...item, status });
      },
      onError: () => putActionItem(queryClient, item),
      onSuccess: settle,
    }),
    replace: useMutation({
      mutationFn: (patch: { title: string; dueDate: string | null; priority: Priority }) =>
        trpc.actionItems.replace.mutate({
          id: item.id,
          title: patch.title,
          description: item.description,
          dueDate: patch.dueDate,
          priority: patch.priority,
          status: item.status,
        }),
      onSuccess: settle,
    }),
    remove: useMutation({
      mutationFn: () => trpc.actionItems.delete.mutate({ id: item.id }),
      onSuccess: () => settle(),
    }),
  };
}

export function ActionItemRow({ item, showCallLink = false }: { item: ActionItem; showCallLink?: boolean }) {
  const { toggle, replace, remove } = useActionItemMutations(item);
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(item.title);
  const [dueDate, setDueDate] = useState(item.dueDate ?? "");
  const [priority, setPriority] = useState<Priority>(item.priority);
  // The click shows at once (a controlled checkbox whose state changes only after an
  // await would snap back first); the server's answer, or its refusal, then takes over.
  const [clickedDone, setClickedDone] = useState<boolean | null>(null);
  const done = clickedDone ?? item.status === "DONE";
  const error = toggle.error ?? replace.error ?? remove.error;
  const fieldId = useId();

  const startEditing = () => {
    setTitle(item.title);
    setDueDate(item.dueDate ?? "");
    setPriority(item.priority);
    setEditing(true);
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    replace.mutate({ title: title.trim(), dueDate: dueDate || null, priority }, { onSuccess: () => setEditing(false) });
  };

  if (editing) {
    return (
      <li className="action-item editing">
        <form onSubmit={save} className="action-edit">
          <div className="field">
            <label htmlFor={`${fieldId}-title`}>Title</label>
            <input
              id={`${fieldId}-title`}
              value={title}
              required
              maxLength={300}
              // biome-ignore lint/a11y/noAutofocus: the field opens because the user just asked to add an item
              autoFocus
              onChange={(event) => setTitle(event.target.value)}
            />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${fieldId}-due-date`}>Due date</label>
              <input
                id={`${fieldId}-due-date`}
                type="date"
                value={dueDate}
                onChange={(event) => setDueDate(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${fieldId}-priority`}>Priority</label>
              <select
                id={`${fieldId}-priority`}
                value={priority}
                onChange={(event) => setPriority(event.target.value as Priority)}
              >
                {PRIORITIES.map((value) => (
                  <option key={value} value={value}>
                    {humanize(value)}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <div className="row-actions">
            <button type="submit" className="button primary small" disabled={replace.isPending || !title.trim()}>
              Save
            </button>
            <button type="button" className="button ghost small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
          {replace.error && (
            <p className="form-error" role="alert">
              {apiErrorOf(replace.error).message}
            </p>
          )}
        </form>
      </li>
    );
  }

  return (
    <li className={`action-item${done ? " done" : ""}`} data-action-id={item.id} data-status={item.status}>
      <input
        id={`${fieldId}-done`}
        type="checkbox"
        className="action-check"
        checked={done}
        onChange={(event) => {
          setClickedDone(event.target.checked);
          toggle.mutate(event.target.checked ? "DONE" : "OPEN", { onSettled: () => setClickedDone(null) });
        }}
      />
      <div className="action-body">
        <label htmlFor={`${fieldId}-done`} className="action-title">
          {item.title}
        </label>
        <div className="action-meta">
          {item.ownerDisplayName && <span>{item.ownerDisplayName}</span>}
          {item.dueDate && <span>Due {item.dueDate}</span>}
          <span className={`priority priority-${item.priority.toLowerCase()}`}>{humanize(item.priority)}</span>
          {item.intent && item.intent !== "none" && <span>{humanize(item.intent)}</span>}
          <span>{item.source === "MANUAL" ? "Added by you" : "From the call"}</span>
          {showCallLink && <a href={hrefOf({ page: "call", callId: item.callRecordId })}>Open call</a>}
        </div>
        {error && (
          <p className="form-error" role="alert">
            {apiErrorOf(error).message}
          </p>
        )}
      </div>
      <div className="row-actions">
        <button type="button" className="button ghost small" onClick={startEditing} aria-label={`Edit “${item.title}”`}>
          Edit
        </button>
        <button
          type="button"
          className="button ghost small danger"
          disabled={remove.isPending}
          onClick={() => {
            if (window.confirm(`Delete “${item.title}”?`)) remove.mutate();
          }}
          aria-label={`Delete “${item.title}”`}
        >
          Delete
        </button>
      </div>
    </li>
  );
}

function AddActionItem({ callId }: { callId: string }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState("");
  const [dueDate, setDueDate] = useState("");
  const fieldId = useId();
  const create = useMutation({
    mutationFn: () => trpc.actionItems.create.mutate({ id: callId, title: title.trim(), ...(dueDate && { dueDate }) }),
    onSuccess: () => {
      setTitle("");
      setDueDate("");
      void queryClient.invalidateQueries({ queryKey: keys.callActions(callId) });
      void queryClient.invalidateQueries({ queryKey: keys.allActions });
      void queryClient.invalidateQueries({ queryKey: keys.calls });
    },
  });
  return (
    <form
      className="add-action"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <div className="field grow">
        <label htmlFor={`${fieldId}-new-action-item`}>New action item</label>
        <input
          id={`${fieldId}-new-action-item`}
          value={title}
          maxLength={300}
          onChange={(event) => setTitle(event.target.value)}
          placeholder="Send the revised proposal"
        />
      </div>
      <div className="field">
        <label htmlFor={`${fieldId}-due-date`}>Due date</label>
        <input
          id={`${fieldId}-due-date`}
          type="date"
          value={dueDate}
          onChange={(event) => setDueDate(event.target.value)}
        />
      </div>
      <button type="submit" className="button" disabled={!title.trim() || create.isPending}>
        Add
      </button>
      {create.error && (
        <p className="form-error" role="alert">
          {apiErrorOf(create.error).message}
        </p>
      )}
    </form>
  );
}

export function ActionItemsPanel({ callId }: { callId: string }) {
  const items = useQuery(callActionsQuery(callId));
  return (
    <section className="panel" aria-labelledby="call-actions-heading">
      <h2 id="call-actions-heading">Action items</h2>
      {items.isPending ? (
        <p className="muted">Loading…</p>
      ) : items.isError ? (
        <p className="form-error" role="alert">
          {apiErrorOf(items.error).message}
        </p>
      ) : items.data.items.length === 0 ? (
        <p className="empty">No action items in this call.</p>
      ) : (
        <ul className="action-list">
          {items.data.items.map((item) => (
            <ActionItemRow key={item.id} item={item} />
          ))}
        </ul>
      )}
      <AddActionItem callId={callId} />
    </section>
  );
}
