import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContactAttachment, Store } from "../src/index";
import { factories, newCall, newItem } from "./store-fixtures";

describe.each(factories)("Contacts contract: $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  const newUser = () => store.users.findOrCreate({ authUid: `uid-${randomUUID()}`, email: null, displayName: null });
  const attachment = (userId: string, overrides: Partial<ContactAttachment> = {}): ContactAttachment => ({
    userId,
    groupKey: `phone:${randomUUID()}`,
    clientContactId: null,
    phoneLast4: "3210",
    displayName: null,
    at: new Date(),
    ...overrides,
  });
  it("finds or creates one contact per (user, group key), even when attached concurrently", async () => {
    const user = await newUser();
    const other = await newUser();
    const groupKey = `phone:${randomUUID()}`;
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.contacts.attach(attachment(user.id, { groupKey, displayName: `n${i}` })),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    // The same key under another user is another contact.
    const foreign = await store.contacts.attach(attachment(other.id, { groupKey }));
    expect(foreign).not.toBe(ids[0]);
    const contact = await store.contacts.get(user.id, ids[0]!);
    expect(contact?.displayName).toMatch(/^n\d$/);
    expect(await store.contacts.get(other.id, ids[0]!)).toBeNull();
  });

  it("keeps a chosen name, moves lastCallAt forward only, and lists newest activity first with keyset paging", async () => {
    const user = await newUser();
    const early = new Date("2026-01-01T00:00:00.000Z");
    const late = new Date("2026-03-01T00:00:00.000Z");
    const a = await store.contacts.attach(attachment(user.id, { at: early, displayName: "Ravi" }));
    const b = await store.contacts.attach(attachment(user.id, { at: new Date("2026-02-01T00:00:00.000Z") }));
    await store.contacts.rename(user.id, a, "Ravi Kumar");
    const again = await store.contacts.attach(
      attachment(user.id, { groupKey: (await store.contacts.get(user.id, a))!.groupKey, at: late, displayName: "R" }),
    );
    expect(again).toBe(a);
    // An older call attached later does not move the contact back.
    await store.contacts.attach(
      attachment(user.id, { groupKey: (await store.contacts.get(user.id, a))!.groupKey, at: early }),
    );
    const renamed = await store.contacts.get(user.id, a);
    expect(renamed?.displayName).toBe("Ravi Kumar");
    expect(renamed?.lastCallAt.toISOString()).toBe(late.toISOString());

    const first = await store.contacts.list(user.id, { limit: 1 });
    expect(first.map((c) => c.id)).toEqual([a]);
    const second = await store.contacts.list(user.id, {
      limit: 5,
      after: { createdAt: first[0]!.lastCallAt, id: first[0]!.id },
    });
    expect(second.map((c) => c.id)).toEqual([b]);
    expect(await store.contacts.rename((await newUser()).id, a, "x")).toBeNull();
  });

  it("adds up calls, open items and the last sentiment; the calls keep the number the client sent", async () => {
    const user = await newUser();
    const contactId = await store.contacts.attach(attachment(user.id));
    const older = await store.calls.insert(newCall(user.id, { contactRef: contactId, phoneNumber: "+91 98765 43210" }));
    // "Newest" is by upload time: the second call must not share the first one's millisecond.
    while (Date.now() <= older.createdAt.getTime()) await new Promise((resolve) => setImmediate(resolve));
    const newer = await store.calls.insert(newCall(user.id, { contactRef: contactId, phoneNumber: "+919876543210" }));
    await store.calls.transition(older.id, ["QUEUED"], "COMPLETED", { sentiment: "negative" });
    await store.calls.transition(newer.id, ["QUEUED"], "COMPLETED", { sentiment: "positive" });
    const item = (callId: string, status: "OPEN" | "DONE" | "IN_PROGRESS") =>
      store.actionItems.insert(newItem(callId, user.id, { status, source: "MANUAL" }));
    await item(older.id, "OPEN");
    await item(newer.id, "IN_PROGRESS");
    await item(newer.id, "DONE");

    const summary = await store.contacts.get(user.id, contactId);
    expect(summary).toMatchObject({ callCount: 2, openActionItemCount: 2, lastSentiment: "positive" });
    expect((await store.contacts.calls(user.id, contactId, 10)).map((c) => c.id)).toEqual([newer.id, older.id]);
    expect((await store.contacts.openItems(user.id, contactId, 10)).map((i) => i.status).sort()).toEqual([
      "IN_PROGRESS",
      "OPEN",
    ]);
    expect(await store.contacts.calls((await newUser()).id, contactId, 10)).toEqual([]);
    expect((await store.calls.get(user.id, older.id))?.phoneNumber).toBe("+91 98765 43210");
    expect(JSON.stringify(await store.contacts.get(user.id, contactId))).not.toContain("98765");
  });

  it("links calls from before contacts existed, and the last call deleted takes its contact along", async () => {
    const user = await newUser();
    const legacy = await store.calls.insert(newCall(user.id, { phoneNumber: "+15550100", contactName: "Old" }));
    await store.calls.transition(legacy.id, ["QUEUED"], "COMPLETED");
    const processing = await store.calls.insert(newCall(user.id, { phoneNumber: "+15550100" }));
    const bare = await store.calls.insert(newCall(user.id));
    const pending = await store.contacts.ungroupedCalls(1000, null);
    const ids = pending.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining([legacy.id, processing.id]));
    expect(ids).not.toContain(bare.id);
    const last = pending.at(-1)!;
    expect(await store.contacts.ungroupedCalls(1000, { createdAt: last.createdAt, id: last.id })).toEqual([]);

    const contactId = await store.contacts.attach(attachment(user.id));
    await store.contacts.link(legacy.id, contactId);
    await store.contacts.link(processing.id, contactId);
    // Linking changes only the contact reference: the call keeps what the client sent.
    expect((await store.calls.get(user.id, legacy.id))?.phoneNumber).toBe("+15550100");
    expect((await store.calls.get(user.id, processing.id))?.phoneNumber).toBe("+15550100");
    expect((await store.contacts.get(user.id, contactId))?.callCount).toBe(2);

    await store.calls.delete(user.id, legacy.id);
    expect(await store.contacts.get(user.id, contactId)).not.toBeNull();
    await store.calls.delete(user.id, processing.id);
    expect(await store.contacts.get(user.id, contactId)).toBeNull();
  });

  it("goes with the account", async () => {
    const user = await newUser();
    const contactId = await store.contacts.attach(attachment(user.id));
    await store.calls.insert(newCall(user.id, { contactRef: contactId }));
    await store.users.delete(user.id);
    expect(await store.contacts.get(user.id, contactId)).toBeNull();
    expect(await store.contacts.list(user.id, { limit: 10 })).toEqual([]);
  });

  it("keeps the first shared secret written under a name", async () => {
    const name = `key-${randomUUID()}`;
    const results = await Promise.all(["a", "b", "c"].map((candidate) => store.contacts.sharedSecret(name, candidate)));
    expect(new Set(results).size).toBe(1);
    expect(await store.contacts.sharedSecret(name, "d")).toBe(results[0]);
  });
});
