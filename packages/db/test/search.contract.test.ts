import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type SearchClause,
  type SearchDocument,
  type SearchHit,
  type SearchQuery,
  SNIPPET_END,
  SNIPPET_START,
  type Store,
} from "../src/index";
import { factories } from "./store-fixtures";

/** docs/contract.md § Search: both stores index, rank, mark, scope and page the same way. */
describe.each(factories)("Search contract: $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterAll(async () => {
    await dispose?.();
  });

  const newUser = () => store.users.findOrCreate({ authUid: `uid-${randomUUID()}`, email: null, displayName: null });
  const newCall = async (userId: string, title: string | null = null, contactRef: string | null = null) =>
    store.calls.insert({
      contactRef,
      id: randomUUID(),
      userId,
      title,
      contactName: "Ravi",
      contactId: null,
      phoneNumber: null,
      organization: null,
      direction: null,
      recordedAt: null,
      durationSeconds: null,
      sourceContentType: "audio/mp4",
      sourceSizeBytes: 1,
    });
  const segment = (id: string, startSeconds: number, body: string, speakerName = "Ravi"): SearchDocument => ({
    kind: "transcript",
    segmentId: id,
    speakerName,
    startSeconds,
    actionItemId: null,
    body,
  });
  const word = (...words: string[]): SearchClause => ({ words, prefix: false });
  const search = (userId: string, clauses: SearchClause[], options: Partial<SearchQuery> = {}): Promise<SearchHit[]> =>
    store.search.query(userId, { clauses, limit: 50, after: null, from: null, to: null, contactId: null, ...options });

  it("finds a word with its segment, start, kind, call fields and a marked snippet", async () => {
    const user = await newUser();
    const call = await newCall(user.id, "Renewal");
    await store.search.replace(call.id, [
      segment("seg_1", 0.5, "Hello there."),
      segment("seg_2", 4.25, "We can offer a discount on the annual plan."),
      {
        kind: "summary",
        segmentId: null,
        speakerName: null,
        startSeconds: null,
        actionItemId: null,
        body: "Ravi asked about pricing.",
      },
    ]);
    const hits = await search(user.id, [word("DISCOUNT")]);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      callId: call.id,
      kind: "transcript",
      segmentId: "seg_2",
      startSeconds: 4.25,
      actionItemId: null,
      title: "Renewal",
      contactName: "Ravi",
      createdAt: call.createdAt,
    });
    expect(hits[0]!.snippet).toContain(`${SNIPPET_START}discount${SNIPPET_END}`);
    expect((await search(user.id, [word("pricing")]))[0]).toMatchObject({ kind: "summary", segmentId: null });
  });

  it("phrases match in order, prefixes match word starts, unicode words match as written", async () => {
    const user = await newUser();
    const call = await newCall(user.id);
    await store.search.replace(call.id, [
      segment("s1", 1, "The annual plan is fine."),
      segment("s2", 2, "Plan the annual review."),
      segment("s3", 3, "Un café, s'il vous plaît."),
      segment("s4", 4, "नमस्ते दोस्त, कैसे हो?"),
      segment("s5", 5, "東京 で 会いましょう"),
    ]);
    const segments = async (clauses: SearchClause[]) => (await search(user.id, clauses)).map((h) => h.segmentId).sort();
    expect(await segments([word("annual", "plan")])).toEqual(["s1"]);
    expect(await segments([word("annual"), word("plan")])).toEqual(["s1", "s2"]);
    expect(await segments([{ words: ["ann"], prefix: true }])).toEqual(["s1", "s2"]);
    expect(await segments([{ words: ["annual", "pl"], prefix: true }])).toEqual(["s1"]);
    // A whole word and a prefix together: both must match.
    expect(await segments([word("review"), { words: ["ann"], prefix: true }])).toEqual(["s2"]);
    expect(
      await segments([
        { words: ["fin"], prefix: true },
        { words: ["ann"], prefix: true },
      ]),
    ).toEqual(["s1"]);
    expect(await segments([word("café")])).toEqual(["s3"]);
    expect(await segments([word("नमस्ते")])).toEqual(["s4"]);
    expect(await segments([word("東京")])).toEqual(["s5"]);
    expect(await segments([word("or")])).toEqual([]);
    const [hindi] = await search(user.id, [word("नमस्ते")]);
    expect(hindi!.snippet).toContain(`${SNIPPET_START}नमस्ते${SNIPPET_END}`);
  });

  it("another user's documents are never found", async () => {
    const owner = await newUser();
    const other = await newUser();
    const call = await newCall(owner.id);
    await store.search.replace(call.id, [segment("s1", 1, "zebracorn confidential")]);
    expect(await search(other.id, [word("zebracorn")])).toEqual([]);
    expect(await search(owner.id, [word("zebracorn")])).toHaveLength(1);
  });

  it("filters by the call's contact and names each segment's speaker", async () => {
    const user = await newUser();
    const attach = (groupKey: string) =>
      store.contacts.attach({
        userId: user.id,
        groupKey,
        clientContactId: null,
        phoneLast4: null,
        displayName: null,
        at: new Date(),
      });
    const acme = await attach(`name:acme-${randomUUID()}`);
    const other = await attach(`name:other-${randomUUID()}`);
    const withAcme = await newCall(user.id, "Acme renewal", acme);
    const withOther = await newCall(user.id, "Other renewal", other);
    await store.search.replace(withAcme.id, [segment("seg_1", 1, "The renewal quote is ready.", "Priya Sharma")]);
    await store.search.replace(withOther.id, [segment("seg_1", 2, "Renewal next quarter.")]);

    const all = await search(user.id, [word("renewal")]);
    expect(all.map((hit) => hit.callId).sort()).toEqual([withAcme.id, withOther.id].sort());
    const onlyAcme = await search(user.id, [word("renewal")], { contactId: acme });
    expect(onlyAcme.map((hit) => [hit.callId, hit.contactId, hit.speakerName])).toEqual([
      [withAcme.id, acme, "Priya Sharma"],
    ]);
    // Another user's filter on this user's contact finds nothing of theirs, and nothing of this user's.
    expect(await search((await newUser()).id, [word("renewal")], { contactId: acme })).toEqual([]);
  });

  it("replace swaps only the kinds it names; the documents go with the call and with the user", async () => {
    const user = await newUser();
    const call = await newCall(user.id);
    const item = (body: string): SearchDocument => ({
      kind: "action_item",
      segmentId: null,
      speakerName: null,
      startSeconds: null,
      actionItemId: "item-1",
      body,
    });
    await store.search.replace(call.id, [segment("s1", 1, "quokka transcript"), item("Send the quokka deck")]);
    expect(await search(user.id, [word("quokka")])).toHaveLength(2);
    await store.search.replace(call.id, [item("Send the wombat deck")], ["action_item"]);
    expect((await search(user.id, [word("quokka")])).map((h) => h.kind)).toEqual(["transcript"]);
    expect(await search(user.id, [word("wombat")])).toMatchObject([{ kind: "action_item", actionItemId: "item-1" }]);

    await store.calls.delete(user.id, call.id);
    expect(await search(user.id, [word("quokka")])).toEqual([]);
    await store.search.replace(call.id, [segment("s1", 1, "quokka again")]);
    expect(await search(user.id, [word("quokka")])).toEqual([]);

    const leaving = await newUser();
    const kept = await newCall(leaving.id);
    await store.search.replace(kept.id, [segment("s1", 1, "axolotl")]);
    await store.users.delete(leaving.id);
    expect(await search(leaving.id, [word("axolotl")])).toEqual([]);
  });

  it("filters on the call's createdAt and pages through ranked hits without gaps or repeats", async () => {
    const user = await newUser();
    const calls = [];
    for (let i = 0; i < 5; i++) {
      const call = await newCall(user.id);
      calls.push(call);
      await store.search.replace(
        call.id,
        Array.from({ length: 3 }, (_, j) => segment(`s${j}`, j, `${"pangolin ".repeat(j + 1)}number ${i}`)),
      );
    }
    const all = await search(user.id, [word("pangolin")]);
    expect(all).toHaveLength(15);
    // Best first: more occurrences in a short body rank higher.
    expect(all[0]!.segmentId).toBe("s2");
    const paged: SearchHit[] = [];
    let after: SearchHit | null = null;
    for (;;) {
      const page: SearchHit[] = await search(user.id, [word("pangolin")], { limit: 4, after });
      paged.push(...page);
      if (page.length < 4) break;
      after = page.at(-1)!;
    }
    expect(paged.map((h) => h.id)).toEqual(all.map((h) => h.id));

    const third = calls[2]!.createdAt;
    const from = await search(user.id, [word("pangolin")], { from: third });
    const since = (c: { createdAt: Date }) => c.createdAt.getTime() >= third.getTime();
    expect(new Set(from.map((h) => h.callId))).toEqual(new Set(calls.filter(since).map((c) => c.id)));
    const to = await search(user.id, [word("pangolin")], { to: third });
    expect(new Set(to.map((h) => h.callId))).toEqual(new Set(calls.filter((c) => !since(c)).map((c) => c.id)));
    expect(to.length + from.length).toBe(15);
  });
});
