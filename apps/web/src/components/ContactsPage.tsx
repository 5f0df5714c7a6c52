import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { formatDateTime, formatDuration, humanize } from "../lib/format";
import { contactQuery, contactsQuery, keys } from "../lib/queries";
import { hrefOf } from "../lib/router";
import { apiErrorOf, trpc } from "../lib/trpc";
import { ActionItemRow } from "./ActionItems";
import { StatusBadge } from "./StatusBadge";

/** docs/contract.md § Contacts: everyone the user's calls are with, most recent call first. */
export function ContactsPage() {
  const contacts = useInfiniteQuery(contactsQuery());
  const items = contacts.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <div className="page">
      <h1 className="page-title">Contacts</h1>
      <section className="panel" aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">People you talk to</h2>
        {contacts.isPending ? (
          <p className="muted">Loading contacts…</p>
        ) : contacts.isError ? (
          <p className="form-error" role="alert">
            {apiErrorOf(contacts.error).message}
          </p>
        ) : items.length === 0 ? (
          <p className="empty">No contacts yet. Calls uploaded with a contact name or phone number are grouped here.</p>
        ) : (
          <ul className="call-list" aria-busy={contacts.isFetching}>
            {items.map((contact) => (
              <li key={contact.contactId} className="call-row" data-contact-id={contact.contactId}>
                <a href={hrefOf({ page: "contact", contactId: contact.contactId })} className="call-link">
                  <span className="call-main">
                    <span className="call-title">{contact.displayName}</span>
                    <span className="call-meta">
                      <span>{contact.callCount === 1 ? "1 call" : `${contact.callCount} calls`}</span>
                      <span>Last call {formatDateTime(contact.lastCallAt)}</span>
                      {contact.lastSentiment && <span>{humanize(contact.lastSentiment)}</span>}
                    </span>
                    {contact.openActionItemCount > 0 && (
                      <span className="call-action">
                        {contact.openActionItemCount === 1
                          ? "1 open item"
                          : `${contact.openActionItemCount} open items`}
                      </span>
                    )}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
        {contacts.hasNextPage && (
          <button
            type="button"
            className="button ghost load-more"
            onClick={() => void contacts.fetchNextPage()}
            disabled={contacts.isFetchingNextPage}
          >
            {contacts.isFetchingNextPage ? "Loading…" : "Load more contacts"}
          </button>
        )}
      </section>
    </div>
  );
}

/** One contact: its calls as a timeline, newest first, and what is still open with them. */
export function ContactPage({ contactId }: { contactId: string }) {
  const contact = useQuery(contactQuery(contactId));
  if (contact.isPending) return <p className="muted center">Loading…</p>;
  if (contact.isError) {
    const error = apiErrorOf(contact.error);
    return (
      <div className="panel error-panel" role="alert">
        <h1>{error.code === "contact_not_found" ? "Contact not found" : "Could not load the contact"}</h1>
        <p>{error.message}</p>
        <a href={hrefOf({ page: "contacts" })}>Back to contacts</a>
      </div>
    );
  }
  const detail = contact.data;
  return (
    <div className="page">
      <a className="back" href={hrefOf({ page: "contacts" })}>
        ← All contacts
      </a>
      <header className="call-header">
        <div>
          <h1 className="page-title">{detail.displayName}</h1>
          <p className="call-meta">
            {detail.phoneLast4 && <span>Number ending {detail.phoneLast4}</span>}
            <span>{detail.callCount === 1 ? "1 call" : `${detail.callCount} calls`}</span>
            {detail.lastSentiment && <span>Last call {humanize(detail.lastSentiment).toLowerCase()}</span>}
          </p>
        </div>
      </header>
      <RenameContact contactId={detail.contactId} current={detail.displayName} />

      <section className="panel" aria-labelledby="contact-items-heading">
        <h2 id="contact-items-heading">Open items</h2>
        {detail.openActionItems.length === 0 ? (
          <p className="empty">Nothing open.</p>
        ) : (
          <ul className="action-list">
            {detail.openActionItems.map((item) => (
              <ActionItemRow key={item.id} item={item} showCallLink />
            ))}
          </ul>
        )}
      </section>

      <section className="panel" aria-labelledby="contact-calls-heading">
        <h2 id="contact-calls-heading">Timeline</h2>
        <ul className="call-list">
          {detail.calls.map((call) => (
            <li key={call.callId} className="call-row" data-call-id={call.callId}>
              <a href={hrefOf({ page: "call", callId: call.callId })} className="call-link">
                <span className="call-main">
                  <span className="call-title">{call.title || "Untitled call"}</span>
                  <span className="call-meta">
                    <span>{formatDateTime(call.recordedAt ?? call.createdAt)}</span>
                    {call.direction && call.direction !== "UNKNOWN" && <span>{humanize(call.direction)}</span>}
                    {call.durationSeconds !== undefined && <span>{formatDuration(call.durationSeconds)}</span>}
                    {call.sentiment && <span>{humanize(call.sentiment)}</span>}
                  </span>
                  {call.summary && <span className="call-action">{call.summary}</span>}
                </span>
                <StatusBadge status={call.status} />
              </a>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function RenameContact({ contactId, current }: { contactId: string; current: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(current);
  const fieldId = useId();
  const rename = useMutation({
    mutationFn: (displayName: string) => trpc.contacts.update.mutate({ id: contactId, displayName }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.contact(contactId) });
      void queryClient.invalidateQueries({ queryKey: keys.contacts });
    },
  });
  return (
    <form
      className="panel inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        rename.mutate(name);
      }}
    >
      <label htmlFor={fieldId}>Name</label>
      <input id={fieldId} value={name} maxLength={200} onChange={(event) => setName(event.target.value)} />
      <button type="submit" className="button small" disabled={rename.isPending || name === current}>
        {rename.isPending ? "Saving…" : "Rename"}
      </button>
      {rename.error && (
        <p className="form-error" role="alert">
          {apiErrorOf(rename.error).message}
        </p>
      )}
    </form>
  );
}
