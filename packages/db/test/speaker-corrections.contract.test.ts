import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store } from "../src/index";
import { factories, newCall, newItem } from "./store-fixtures";

/** docs/contract.md § Speaker corrections: both stores keep the pinned identities and re-own AI items alike. */
describe.each(factories)("Store contract, speaker corrections: $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  const newCallOf = async () => {
    const user = await store.users.findOrCreate({ authUid: `uid-${randomUUID()}`, email: null, displayName: null });
    return { user, call: await store.calls.insert(newCall(user.id)) };
  };

  it("keeps one row per (call, speaker): a second correction replaces the first", async () => {
    const { call } = await newCallOf();
    const { call: other } = await newCallOf();
    expect(await store.speakerCorrections.list(call.id)).toEqual([]);

    await store.speakerCorrections.upsert(call.id, [
      { speakerId: "spk_0", displayName: "Ravi", role: "CONTACT" },
      { speakerId: "spk_1", displayName: null, role: "USER" },
    ]);
    await store.speakerCorrections.upsert(other.id, [{ speakerId: "spk_0", displayName: "Elsewhere", role: "USER" }]);
    await store.speakerCorrections.upsert(call.id, [{ speakerId: "spk_0", displayName: "Ravi Kumar", role: "USER" }]);

    const rows = await store.speakerCorrections.list(call.id);
    expect(rows.map(({ speakerId, displayName, role }) => ({ speakerId, displayName, role }))).toEqual([
      { speakerId: "spk_0", displayName: "Ravi Kumar", role: "USER" },
      { speakerId: "spk_1", displayName: null, role: "USER" },
    ]);
    const first = rows[0]!;
    expect(first.callId).toBe(call.id);
    expect(first.updatedAt.getTime()).toBeGreaterThanOrEqual(first.createdAt.getTime());
  });

  it("goes with its call", async () => {
    const { user, call } = await newCallOf();
    await store.speakerCorrections.upsert(call.id, [{ speakerId: "spk_0", displayName: "Ravi", role: "CONTACT" }]);
    expect(await store.calls.delete(user.id, call.id)).toBe(true);
    expect(await store.speakerCorrections.list(call.id)).toEqual([]);
  });

  it("sets the owners of the call's AI items only, leaving every other field and manual items alone", async () => {
    const { user, call } = await newCallOf();
    const { user: otherUser, call: otherCall } = await newCallOf();
    const ai = newItem(call.id, user.id, {
      ownerSpeakerId: "spk_0",
      ownerSpeakerLabel: "Speaker 0",
      ownerRole: "UNKNOWN",
    });
    const manual = newItem(call.id, user.id, { source: "MANUAL", title: "By hand" });
    const foreign = newItem(otherCall.id, otherUser.id, { ownerSpeakerId: "spk_0" });
    await store.actionItems.replaceAiItems(call.id, [ai]);
    await store.actionItems.insert(manual);
    await store.actionItems.replaceAiItems(otherCall.id, [foreign]);
    // The user's own edit of the AI item must survive the owner update.
    await store.actionItems.update(user.id, ai.id, { title: "Edited by the user", status: "DONE" });

    const owner = {
      ownerSpeakerId: "spk_0",
      ownerSpeakerLabel: "Ravi Kumar",
      ownerDisplayName: "Ravi Kumar",
      ownerRole: "CONTACT" as const,
    };
    await store.speakerCorrections.setAiItemOwners(call.id, [
      { id: ai.id, ...owner },
      { id: manual.id, ...owner },
      { id: foreign.id, ...owner },
    ]);

    const items = await store.actionItems.listForCall(user.id, call.id);
    expect(items.find((i) => i.id === ai.id)).toMatchObject({ ...owner, title: "Edited by the user", status: "DONE" });
    expect(items.find((i) => i.id === manual.id)).toMatchObject({ ownerSpeakerId: null, ownerDisplayName: null });
    expect((await store.actionItems.get(otherUser.id, foreign.id))?.ownerDisplayName).toBeNull();
  });
});
