import { createHmac } from "node:crypto";
import { sentimentLabel } from "@scryon/analysis";
import type { CallRecord, Contact, ContactAttachment, ContactSummary, User } from "@scryon/db";
import type { z } from "zod";
import type { ApiDeps } from "../context";
import { keysetPage } from "../cursor";
import { errors } from "../errors";
import { CONTACT_DETAIL_LIMIT, type contactDetailSchema, type contactListSchema, type contactSchema } from "../schemas";
import { isoSeconds, present, toActionItemDto } from "../serialize";
import { isUuid } from "./calls";

/**
 * docs/contract.md § Contacts. Calls are grouped by the client's contactId when it sends one, else by the
 * normalised phone number (as a keyed hash, per user), else by the normalised contact name.
 */

/** The digits that identify a number however it is written: its last ten (the national number) at most. */
const SIGNIFICANT_PHONE_DIGITS = 10;

/**
 * "+91 98765 43210", "+919876543210", "0091 98765-43210" and "(98765) 43210" are one number: separators and
 * a leading + or 00 are dropped, and numbers are compared on their last ten digits (a national trunk 0 or a
 * country code in front does not make another number). Null when there are no digits.
 */
function normalisePhoneNumber(raw: string): string | null {
  const digits = raw.replace(/\D/gu, "");
  return digits.length === 0 ? null : digits.slice(-SIGNIFICANT_PHONE_DIGITS);
}

/** Case, accents' composition and spacing do not make another person: "  ravi  KUMAR" is "Ravi Kumar". */
function normaliseName(raw: string): string | null {
  const name = raw.normalize("NFKC").toLocaleLowerCase("en").replace(/\s+/gu, " ").trim();
  return name === "" ? null : name;
}

/** The keyed hash of a number: without the server's key nobody can test a guess against it. Per user, too. */
function phoneHash(key: string, userId: string, normalised: string): string {
  return createHmac("sha256", key).update(`${userId}\u0000${normalised}`).digest("base64url");
}

interface CallIdentity {
  contactId?: string | null | undefined;
  phoneNumber?: string | null | undefined;
  contactName?: string | null | undefined;
}

/** How a call finds its contact, or null when it carries nothing to group by. */
function attachmentOf(hashKey: string, userId: string, call: CallIdentity, at: Date): ContactAttachment | null {
  const phone = call.phoneNumber ? normalisePhoneNumber(call.phoneNumber) : null;
  const phoneLast4 = phone && phone.length >= 4 ? phone.slice(-4) : null;
  const name = call.contactName?.trim() || null;
  const clientId = call.contactId?.trim() || null;
  const nameKey = name ? normaliseName(name) : null;
  const groupKey = clientId
    ? `client:${clientId}`
    : phone
      ? `phone:${phoneHash(hashKey, userId, phone)}`
      : nameKey
        ? `name:${nameKey}`
        : null;
  if (!groupKey) return null;
  return { userId, groupKey, clientContactId: clientId, phoneLast4, displayName: name, at };
}

/** Finds or creates the contact an uploaded call belongs to; null when the call names nobody. */
export async function attachContact(deps: ApiDeps, userId: string, call: CallIdentity, at: Date) {
  const attachment = attachmentOf(deps.settings.contactHashKey, userId, call, at);
  return attachment ? deps.store.contacts.attach(attachment) : null;
}

const LINK_BATCH = 200;

/**
 * Groups the calls stored before contacts existed (docs/contract.md § Contacts). Run in the background by the
 * worker processes, batch by batch, until `signal` aborts; every step is idempotent, so processes running it
 * together, or a run cut short, leave nothing half-written: a call is linked in one write, and the next run
 * resumes with the calls still ungrouped.
 */
export async function linkUngroupedCalls(deps: ApiDeps, signal?: AbortSignal): Promise<number> {
  let linked = 0;
  let after: CallRecord | null = null;
  while (!signal?.aborted) {
    const batch: CallRecord[] = await deps.store.contacts.ungroupedCalls(LINK_BATCH, after);
    for (const call of batch) {
      if (signal?.aborted) break;
      const contactId = await attachContact(deps, call.userId, call, call.createdAt);
      if (!contactId) continue;
      await deps.store.contacts.link(call.id, contactId);
      linked++;
    }
    if (batch.length < LINK_BATCH) break;
    after = batch.at(-1)!;
  }
  return linked;
}

const sentimentOf = (value: string | null) => {
  const parsed = sentimentLabel.safeParse(value);
  return parsed.success ? parsed.data : undefined;
};

function displayNameOf(contact: Contact): string {
  if (contact.displayName) return contact.displayName;
  if (contact.phoneLast4) return `Contact ending ${contact.phoneLast4}`;
  return contact.clientContactId ?? "Unknown contact";
}

function toContactDto(contact: ContactSummary): z.infer<typeof contactSchema> {
  return {
    contactId: contact.id,
    displayName: displayNameOf(contact),
    phoneLast4: present(contact.phoneLast4),
    clientContactId: present(contact.clientContactId),
    callCount: contact.callCount,
    lastCallAt: isoSeconds(contact.lastCallAt),
    openActionItemCount: contact.openActionItemCount,
    lastSentiment: sentimentOf(contact.lastSentiment),
    createdAt: isoSeconds(contact.createdAt),
  };
}

export async function listContacts(
  deps: ApiDeps,
  user: User,
  input: { limit: number; cursor?: string | undefined },
): Promise<z.infer<typeof contactListSchema>> {
  return keysetPage(
    { limit: input.limit, cursor: input.cursor, filter: "contacts" },
    async ({ limit, after }) =>
      (await deps.store.contacts.list(user.id, { limit, after })).map((contact) => ({
        id: contact.id,
        createdAt: contact.lastCallAt,
        contact,
      })),
    (row) => toContactDto(row.contact),
  );
}

async function requireContact(deps: ApiDeps, user: User, contactId: string): Promise<ContactSummary> {
  const contact = isUuid(contactId) ? await deps.store.contacts.get(user.id, contactId) : null;
  if (!contact) throw errors.contactNotFound();
  return contact;
}

export async function getContact(
  deps: ApiDeps,
  user: User,
  contactId: string,
): Promise<z.infer<typeof contactDetailSchema>> {
  const contact = await requireContact(deps, user, contactId);
  const [calls, items] = await Promise.all([
    deps.store.contacts.calls(user.id, contact.id, CONTACT_DETAIL_LIMIT),
    deps.store.contacts.openItems(user.id, contact.id, CONTACT_DETAIL_LIMIT),
  ]);
  return {
    ...toContactDto(contact),
    calls: calls.map((call) => ({
      callId: call.id,
      title: present(call.title),
      status: call.status,
      direction: present(call.direction),
      durationSeconds: present(call.durationSeconds),
      recordedAt: call.recordedAt ? isoSeconds(call.recordedAt) : undefined,
      createdAt: isoSeconds(call.createdAt),
      summary: present(call.summaryOverride ?? call.analysisSummary),
      sentiment: sentimentOf(call.sentiment),
    })),
    openActionItems: items.map(toActionItemDto),
  };
}

/**
 * Gives a contact the name the user chose (null or empty: back to the automatic one). Also what a corrected
 * speaker name calls, so the contact and its calls' speakers agree. Another user's contact is a 404.
 */
export async function renameContact(
  deps: ApiDeps,
  user: User,
  contactId: string,
  displayName: string | null,
): Promise<z.infer<typeof contactSchema>> {
  if (!isUuid(contactId)) throw errors.contactNotFound();
  const name = displayName?.trim() || null;
  if (!(await deps.store.contacts.rename(user.id, contactId, name))) throw errors.contactNotFound();
  return toContactDto(await requireContact(deps, user, contactId));
}
