import { randomUUID } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { IDEMPOTENCY_ABANDONED_MS, IDEMPOTENCY_TTL_MS, type Store } from "../src/index";
import { factories, newCall, newItem } from "./store-fixtures";

describe.each(factories)("Store contract: $name", (factory) => {
  let store: Store;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ store, dispose } = await factory.open());
  });
  afterAll(async () => {
    await dispose?.();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const newUser = (name: string | null = null) =>
    store.users.findOrCreate({ authUid: `uid-${randomUUID()}`, email: null, displayName: name });

  /** Runs `fn` with the clock moved to `at` (only Date; real timers keep driving I/O). */
  const at = async <T>(when: Date, fn: () => Promise<T>): Promise<T> => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(when);
    try {
      return await fn();
    } finally {
      vi.useRealTimers();
    }
  };

  it("reports its dialect", () => {
    expect(store.dialect).toBe(factory.name);
  });

  describe("privacy: retention and account deletion", () => {
    it("expired() applies the user's retentionDays, else the default; neither set keeps calls", async () => {
      const own = await newUser();
      const defaulted = await newUser();
      expect((await store.users.setRetentionDays(own.id, 2))?.retentionDays).toBe(2);
      const t0 = new Date("2030-01-01T00:00:00Z");
      const ownCall = await at(t0, () => store.calls.insert(newCall(own.id)));
      const defaultCall = await at(t0, () => store.calls.insert(newCall(defaulted.id)));
      const ids = async (now: Date, defaultDays: number | null) =>
        (await store.calls.expired(now, defaultDays, 1000))
          .map((c) => c.id)
          .filter((id) => id === ownCall.id || id === defaultCall.id);
      const day = 86_400_000;
      expect(await ids(new Date(t0.getTime() + day), null)).toEqual([]);
      expect(await ids(new Date(t0.getTime() + 3 * day), null)).toEqual([ownCall.id]);
      expect((await ids(new Date(t0.getTime() + 3 * day), 5)).sort()).toEqual([ownCall.id]);
      expect((await ids(new Date(t0.getTime() + 6 * day), 5)).sort()).toEqual([ownCall.id, defaultCall.id].sort());
      await store.users.setRetentionDays(own.id, null);
      expect(await ids(new Date(t0.getTime() + 3 * day), null)).toEqual([]);
    });

    it("users.delete removes idempotency records and, through the cascade, every call row", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      await store.actionItems.insert(newItem(call.id, user.id, { source: "MANUAL" }));
      await store.events.add({
        callId: call.id,
        stage: "TRANSCRIBED",
        status: "COMPLETED",
        durationMs: 1,
        provider: null,
        errorCode: null,
      });
      expect(await store.idempotency.claim(user.id, "k", "h")).toEqual({ claimed: true });
      expect(await store.users.delete(user.id)).toBe(true);
      expect(await store.users.get(user.id)).toBeNull();
      expect(await store.calls.getById(call.id)).toBeNull();
      expect(await store.events.list(call.id)).toEqual([]);
      expect(await store.actionItems.listForCall(user.id, call.id)).toEqual([]);
      expect(await store.idempotency.get(user.id, "k")).toBeNull();
      expect(await store.users.delete(user.id)).toBe(false);
    });
  });

  describe("users", () => {
    it("findOrCreate creates once per auth uid, keeps the e-mail current and the chosen display name", async () => {
      const authUid = `uid-${randomUUID()}`;
      const first = await store.users.findOrCreate({ authUid, email: "a@example.com", displayName: "Asha" });
      expect(first).toMatchObject({ authUid, email: "a@example.com", displayName: "Asha", disabled: false });
      expect(first.createdAt).toBeInstanceOf(Date);

      const again = await store.users.findOrCreate({ authUid, email: "b@example.com", displayName: "Token Name" });
      expect(again.id).toBe(first.id);
      expect(again.email).toBe("b@example.com");
      expect(again.displayName).toBe("Asha");

      const withoutEmail = await store.users.findOrCreate({ authUid, email: null, displayName: null });
      expect(withoutEmail.email).toBe("b@example.com");
      expect((await store.users.get(first.id))?.email).toBe("b@example.com");
    });

    it("findOrCreate under concurrency yields one user", async () => {
      const authUid = `uid-${randomUUID()}`;
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.users.findOrCreate({ authUid, email: null, displayName: null })),
      );
      expect(new Set(results.map((u) => u.id)).size).toBe(1);
    });

    it("get and updateDisplayName", async () => {
      const user = await newUser("Old");
      expect(await store.users.get(randomUUID())).toBeNull();
      const updated = await store.users.updateDisplayName(user.id, "New");
      expect(updated?.displayName).toBe("New");
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(user.updatedAt.getTime());
      expect((await store.users.updateDisplayName(user.id, null))?.displayName).toBeNull();
      expect(await store.users.updateDisplayName(randomUUID(), "x")).toBeNull();
    });

    it("delete removes the user and everything under their calls", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      await store.actionItems.insert(newItem(call.id, user.id, { source: "MANUAL" }));
      await store.events.add({
        callId: call.id,
        stage: "TRANSCRIBED",
        status: "COMPLETED",
        durationMs: 5,
        provider: null,
        errorCode: null,
      });
      await store.artifacts.upsert({
        callId: call.id,
        type: "ANALYSIS_JSON",
        storageKey: "k",
        contentType: "application/json",
        sizeBytes: 2,
      });

      expect(await store.users.delete(user.id)).toBe(true);
      expect(await store.users.delete(user.id)).toBe(false);
      expect(await store.users.get(user.id)).toBeNull();
      expect(await store.calls.getById(call.id)).toBeNull();
      expect(await store.actionItems.listForCall(user.id, call.id)).toEqual([]);
      expect(await store.events.list(call.id)).toEqual([]);
      expect(await store.artifacts.list(call.id)).toEqual([]);
    });
  });

  describe("calls", () => {
    it("insert starts QUEUED and round-trips every field", async () => {
      const user = await newUser();
      const recordedAt = new Date("2026-05-29T13:00:00.123Z");
      const input = newCall(user.id, {
        title: "Quarterly review",
        contactName: "Ravi",
        contactId: "c-1",
        phoneNumber: "+15550100",
        organization: "Acme",
        direction: "INCOMING",
        recordedAt,
        durationSeconds: 61.25,
        sourceSizeBytes: 5_000_000_000,
      });
      const call = await store.calls.insert(input);
      expect(call).toMatchObject({ ...input, status: "QUEUED", errorReason: null, staleRequeues: 0, notes: null });
      expect(call.statusChangedAt.getTime()).toBe(call.createdAt.getTime());
      expect(await store.calls.get(user.id, call.id)).toEqual(call);
      expect(await store.calls.getById(call.id)).toEqual(call);
    });

    it("keeps the transcription hints as given, and none when none were given", async () => {
      const user = await newUser();
      const hinted = await store.calls.insert(
        newCall(user.id, { language: "pt-BR", vocabulary: ["Scryon", "Ravi Kumar", "ação"] }),
      );
      expect(await store.calls.getById(hinted.id)).toMatchObject({
        language: "pt-BR",
        vocabulary: ["Scryon", "Ravi Kumar", "ação"],
      });
      const plain = await store.calls.insert(newCall(user.id));
      expect(await store.calls.get(user.id, plain.id)).toMatchObject({ language: null, vocabulary: [] });
    });

    it("reads and writes are owner-scoped", async () => {
      const owner = await newUser();
      const other = await newUser();
      const call = await store.calls.insert(newCall(owner.id));
      expect(await store.calls.get(other.id, call.id)).toBeNull();
      expect(await store.calls.update(other.id, call.id, { title: "stolen" })).toBeNull();
      expect(await store.calls.delete(other.id, call.id)).toBe(false);
      expect(await store.calls.statuses(other.id, [call.id])).toEqual([]);
      expect(await store.calls.list(other.id, { limit: 10 })).toEqual([]);
      expect((await store.calls.get(owner.id, call.id))?.title).toBeNull();
    });

    it("update patches only the given fields", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id, { title: "t" }));
      const updated = await store.calls.update(user.id, call.id, { notes: "remember", summaryOverride: "short" });
      expect(updated).toMatchObject({ title: "t", notes: "remember", summaryOverride: "short" });
      expect((await store.calls.update(user.id, call.id, { title: null }))?.title).toBeNull();
      expect(await store.calls.update(user.id, randomUUID(), { title: "x" })).toBeNull();
    });

    it("transition is a compare-and-set that also writes its fields", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      expect(await store.calls.transition(call.id, ["ANALYZING"], "COMPLETED")).toBe(false);
      expect(await store.calls.transition(call.id, ["QUEUED"], "TRANSCRIBING", { durationSeconds: 12.5 })).toBe(true);
      expect(
        await store.calls.transition(call.id, ["TRANSCRIBING", "ANALYZING"], "FAILED", {
          errorReason: "transcription_failed",
        }),
      ).toBe(true);
      const after = await store.calls.getById(call.id);
      expect(after).toMatchObject({ status: "FAILED", errorReason: "transcription_failed", durationSeconds: 12.5 });
      expect(after!.statusChangedAt.getTime()).toBeGreaterThanOrEqual(call.statusChangedAt.getTime());
      expect(await store.calls.transition(randomUUID(), ["QUEUED"], "TRANSCRIBING")).toBe(false);
    });

    it("concurrent transitions from one state: exactly one wins", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const targets = ["TRANSCRIBING", "FAILED"] as const;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.calls.transition(call.id, ["QUEUED"], targets[i % 2]!, { staleRequeues: i }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.calls.getById(call.id)).toMatchObject({ status: targets[winner % 2], staleRequeues: winner });
    });

    it("statuses returns the owner's calls among the ids", async () => {
      const user = await newUser();
      const a = await store.calls.insert(newCall(user.id));
      const b = await store.calls.insert(newCall(user.id));
      await store.calls.transition(b.id, ["QUEUED"], "ANALYZING");
      const result = await store.calls.statuses(user.id, [a.id, b.id, randomUUID()]);
      expect(result.sort((x, y) => x.id.localeCompare(y.id))).toEqual(
        [
          { id: a.id, status: "QUEUED" },
          { id: b.id, status: "ANALYZING" },
        ].sort((x, y) => x.id.localeCompare(y.id)),
      );
      expect(await store.calls.statuses(user.id, [])).toEqual([]);
    });

    it("list is newest first with live action-item count and the oldest live title, filterable by status", async () => {
      const user = await newUser();
      const older = await store.calls.insert(newCall(user.id, { title: "older" }));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const newer = await store.calls.insert(newCall(user.id, { title: "newer" }));
      await store.actionItems.replaceAiItems(older.id, [
        newItem(older.id, user.id, { title: "first", status: "DISMISSED" }),
        newItem(older.id, user.id, { title: "second" }),
        newItem(older.id, user.id, { title: "third" }),
      ]);
      await store.calls.transition(newer.id, ["QUEUED"], "COMPLETED");

      const rows = await store.calls.list(user.id, { limit: 10 });
      expect(rows.map((r) => r.id)).toEqual([newer.id, older.id]);
      expect(rows[0]).toMatchObject({ actionItemCount: 0, firstActionTitle: null, status: "COMPLETED" });
      expect(rows[1]).toMatchObject({ actionItemCount: 2, firstActionTitle: "second", title: "older" });

      const completed = await store.calls.list(user.id, { limit: 10, status: "COMPLETED" });
      expect(completed.map((r) => r.id)).toEqual([newer.id]);
      const afterNewer = await store.calls.list(user.id, {
        limit: 10,
        after: { createdAt: rows[0]!.createdAt, id: rows[0]!.id },
      });
      expect(afterNewer.map((r) => r.id)).toEqual([older.id]);
    });

    it("the list's action summary follows every write to the items: add, edit, dismiss, restore, delete, replace", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const summary = async () => {
        const [row] = await store.calls.list(user.id, { limit: 1 });
        const record = await store.calls.getById(call.id);
        // The list and the call row say the same.
        expect(record).toMatchObject({
          actionItemCount: row!.actionItemCount,
          firstActionTitle: row!.firstActionTitle,
        });
        return [row!.actionItemCount, row!.firstActionTitle];
      };
      expect(await summary()).toEqual([0, null]);
      // Each write a second after the last: "oldest first" is then the order of the writes, not of ids
      // drawn at random when two items land in the same millisecond.
      let clock = Date.now();
      const later = <T>(write: () => Promise<T>) => at(new Date((clock += 1000)), write);

      await later(() =>
        store.actionItems.replaceAiItems(call.id, [
          newItem(call.id, user.id, { title: "ai one" }),
          newItem(call.id, user.id, { title: "ai two" }),
        ]),
      );
      expect(await summary()).toEqual([2, "ai one"]);
      const mine = await later(() =>
        store.actionItems.insert(newItem(call.id, user.id, { title: "mine", source: "MANUAL" })),
      );
      expect(await summary()).toEqual([3, "ai one"]);

      const [first] = await store.actionItems.listForCall(user.id, call.id);
      await store.actionItems.update(user.id, first!.id, { title: "ai one, edited" });
      expect(await summary()).toEqual([3, "ai one, edited"]);
      await store.actionItems.update(user.id, first!.id, { status: "DISMISSED" });
      expect(await summary()).toEqual([2, "ai two"]);
      await store.actionItems.update(user.id, first!.id, { status: "DONE" });
      expect(await summary()).toEqual([3, "ai one, edited"]);
      // A write that touches none of the summary's inputs leaves it as it is.
      await store.actionItems.update(user.id, mine.id, { priority: "HIGH" });
      expect(await summary()).toEqual([3, "ai one, edited"]);

      // The analysis re-run replaces its own items and keeps the user's.
      await later(() => store.actionItems.replaceAiItems(call.id, [newItem(call.id, user.id, { title: "ai again" })]));
      expect(await summary()).toEqual([2, "mine"]);
      expect(await store.actionItems.delete(user.id, mine.id)).toBe(true);
      expect(await summary()).toEqual([1, "ai again"]);
      await store.actionItems.replaceAiItems(call.id, []);
      expect(await summary()).toEqual([0, null]);
    });

    it("items added to one call at once are all counted (concurrent writers do not overwrite the summary)", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const added = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          store.actionItems.insert(newItem(call.id, user.id, { title: `item ${i}`, source: "MANUAL" })),
        ),
      );
      const oldest = [...added].sort(
        (x, y) => x.createdAt.getTime() - y.createdAt.getTime() || x.id.localeCompare(y.id),
      )[0]!;
      expect(await store.calls.getById(call.id)).toMatchObject({ actionItemCount: 20, firstActionTitle: oldest.title });
      await Promise.all(added.slice(0, 10).map((item) => store.actionItems.delete(user.id, item.id)));
      expect((await store.calls.getById(call.id))?.actionItemCount).toBe(10);
    });

    it("keyset pagination with inserts between pages has no duplicates and no gaps", async () => {
      const user = await newUser();
      const original: string[] = [];
      // Many rows share a millisecond, so the id tie-break is exercised too.
      for (let i = 0; i < 25; i++) original.push((await store.calls.insert(newCall(user.id))).id);

      const seen: Array<{ id: string; createdAt: Date }> = [];
      let after: { createdAt: Date; id: string } | null = null;
      for (let page = 0; page < 50; page++) {
        const rows = await store.calls.list(user.id, { limit: 7, after });
        if (rows.length === 0) break;
        seen.push(...rows);
        const last = rows[rows.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
        for (let i = 0; i < 3; i++) await store.calls.insert(newCall(user.id));
      }

      const ids = seen.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of original) expect(ids).toContain(id);
      for (let i = 1; i < seen.length; i++) {
        const [prev, cur] = [seen[i - 1]!, seen[i]!];
        const descending =
          prev.createdAt.getTime() > cur.createdAt.getTime() ||
          (prev.createdAt.getTime() === cur.createdAt.getTime() && prev.id > cur.id);
        expect(descending).toBe(true);
      }
    });

    it("findStale returns non-terminal calls unchanged since the cut-off, oldest first", async () => {
      const user = await newUser();
      const old = await at(new Date(Date.now() - 3_600_000), () => store.calls.insert(newCall(user.id)));
      const recent = await store.calls.insert(newCall(user.id));
      const done = await at(new Date(Date.now() - 3_600_000), () => store.calls.insert(newCall(user.id)));
      await at(new Date(Date.now() - 3_000_000), () => store.calls.transition(done.id, ["QUEUED"], "COMPLETED"));
      const mine = new Set([old.id, recent.id, done.id]);

      const cutoff = new Date(Date.now() - 60_000);
      const stale = (await store.calls.findStale(cutoff, 1000)).filter((c) => mine.has(c.id));
      expect(stale.map((c) => c.id)).toEqual([old.id]);

      const all = (await store.calls.findStale(new Date(Date.now() + 60_000), 1000)).filter((c) => mine.has(c.id));
      expect(all.map((c) => c.id)).toEqual([old.id, recent.id]);
      expect(await store.calls.findStale(cutoff, 0)).toEqual([]);
    });

    it("delete removes the call with its items, events and artifacts; existingIds reports survivors", async () => {
      const user = await newUser();
      const keep = await store.calls.insert(newCall(user.id));
      const gone = await store.calls.insert(newCall(user.id));
      await store.actionItems.insert(newItem(gone.id, user.id));
      await store.events.add({
        callId: gone.id,
        stage: "ANALYZED",
        status: "STARTED",
        durationMs: null,
        provider: "offline",
        errorCode: null,
      });
      await store.artifacts.upsert({
        callId: gone.id,
        type: "RAW_TRANSCRIPT_JSON",
        storageKey: "k",
        contentType: "application/json",
        sizeBytes: 1,
      });

      expect(await store.calls.delete(user.id, gone.id)).toBe(true);
      expect(await store.calls.delete(user.id, gone.id)).toBe(false);
      expect(await store.actionItems.listForUser(user.id, { limit: 10 })).toEqual([]);
      expect(await store.events.list(gone.id)).toEqual([]);
      expect(await store.artifacts.list(gone.id)).toEqual([]);
      expect(await store.calls.existingIds([keep.id, gone.id, randomUUID()])).toEqual(new Set([keep.id]));
      expect(await store.calls.existingIds([])).toEqual(new Set());
    });
  });

  describe("artifacts", () => {
    it("upsert keeps one row per (call, type); get, list, remove", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      await store.artifacts.upsert({
        callId: call.id,
        type: "ANALYSIS_JSON",
        storageKey: "a1",
        contentType: "application/json",
        sizeBytes: 10,
      });
      await store.artifacts.upsert({
        callId: call.id,
        type: "ANALYSIS_JSON",
        storageKey: "a2",
        contentType: "application/json",
        sizeBytes: 6_000_000_000,
      });
      await store.artifacts.upsert({
        callId: call.id,
        type: "TEMP_AUDIO",
        storageKey: "t",
        contentType: "audio/mp4",
        sizeBytes: 3,
      });

      expect(await store.artifacts.get(call.id, "ANALYSIS_JSON")).toMatchObject({
        storageKey: "a2",
        sizeBytes: 6_000_000_000,
        type: "ANALYSIS_JSON",
      });
      expect((await store.artifacts.list(call.id)).map((a) => a.type).sort()).toEqual(["ANALYSIS_JSON", "TEMP_AUDIO"]);
      await store.artifacts.remove(call.id, "TEMP_AUDIO");
      await store.artifacts.remove(call.id, "TEMP_AUDIO");
      expect(await store.artifacts.get(call.id, "TEMP_AUDIO")).toBeNull();
      expect(await store.artifacts.list(call.id)).toHaveLength(1);
    });

    it("olderThan finds artifacts of one type created before the cut-off", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const other = await store.calls.insert(newCall(user.id));
      await at(new Date(Date.now() - 48 * 3_600_000), async () => {
        await store.artifacts.upsert({
          callId: call.id,
          type: "TEMP_AUDIO",
          storageKey: "old",
          contentType: "audio/mp4",
          sizeBytes: 1,
        });
        await store.artifacts.upsert({
          callId: call.id,
          type: "ANALYSIS_JSON",
          storageKey: "old-json",
          contentType: "application/json",
          sizeBytes: 1,
        });
      });
      await store.artifacts.upsert({
        callId: other.id,
        type: "TEMP_AUDIO",
        storageKey: "new",
        contentType: "audio/mp4",
        sizeBytes: 1,
      });

      const expired = (
        await store.artifacts.olderThan("TEMP_AUDIO", new Date(Date.now() - 24 * 3_600_000), 1000)
      ).filter((a) => a.callId === call.id || a.callId === other.id);
      expect(expired.map((a) => a.storageKey)).toEqual(["old"]);
    });
  });

  describe("events", () => {
    it("add and list in order", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const stages = ["AUDIO_PREPROCESSED", "DIARIZED", "TRANSCRIBED"];
      for (const [i, stage] of stages.entries())
        await at(new Date(Date.now() + i * 1000), () =>
          store.events.add({
            callId: call.id,
            stage,
            status: "COMPLETED",
            durationMs: i,
            provider: "p",
            errorCode: null,
          }),
        );
      await at(new Date(Date.now() + 5000), () =>
        store.events.add({
          callId: call.id,
          stage: "ANALYZED",
          status: "FAILED",
          durationMs: null,
          provider: null,
          errorCode: "llm_timeout",
        }),
      );
      const events = await store.events.list(call.id);
      expect(events.map((e) => e.stage)).toEqual([...stages, "ANALYZED"]);
      expect(events[3]).toMatchObject({
        status: "FAILED",
        errorCode: "llm_timeout",
        durationMs: null,
        provider: null,
        callId: call.id,
      });
      expect(typeof events[0]!.id).toBe("string");
      expect(await store.events.list(randomUUID())).toEqual([]);
    });
  });

  describe("action items", () => {
    it("insert round-trips every field, JSON included", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const input = newItem(call.id, user.id, {
        source: "MANUAL",
        description: "by Friday",
        dueDate: "2026-06-05",
        priority: "HIGH",
        sourceText: "priority high; seg_0003",
        ownerSpeakerId: "spk_1",
        ownerSpeakerLabel: "Asha",
        ownerDisplayName: "Asha",
        ownerRole: "USER",
        sourceSegmentIds: ["seg_0003", "seg_0004"],
        intent: "meeting",
        intentMetadata: { providerHint: "zoom", attendees: [{ name: "Ravi" }], durationMinutes: 30 },
      });
      const item = await store.actionItems.insert(input);
      expect(item).toMatchObject(input);
      expect(item.createdAt).toBeInstanceOf(Date);
      expect(await store.actionItems.get(user.id, item.id)).toEqual(item);
    });

    it("replaceAiItems replaces AI items in order and keeps manual ones", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const manual = await store.actionItems.insert(newItem(call.id, user.id, { source: "MANUAL", title: "manual" }));
      await store.actionItems.replaceAiItems(call.id, [newItem(call.id, user.id, { title: "old ai" })]);
      const fresh = ["one", "two", "three"].map((title) => newItem(call.id, user.id, { title }));
      await store.actionItems.replaceAiItems(call.id, fresh);

      const items = await store.actionItems.listForCall(user.id, call.id);
      // AI items keep the order they were given; the manual item stays. (Which comes first when the
      // manual item and the AI run share a millisecond is not part of the contract.)
      expect(items.filter((i) => i.source !== "MANUAL").map((i) => i.title)).toEqual(["one", "two", "three"]);
      expect(items).toHaveLength(4);
      expect(items).toContainEqual(manual);

      await store.actionItems.replaceAiItems(call.id, []);
      expect((await store.actionItems.listForCall(user.id, call.id)).map((i) => i.title)).toEqual(["manual"]);
    });

    it("replaceAiItems is all or nothing", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      await store.actionItems.replaceAiItems(call.id, [newItem(call.id, user.id, { title: "kept" })]);
      const duplicateId = randomUUID();
      await expect(
        store.actionItems.replaceAiItems(call.id, [
          newItem(call.id, user.id, { id: duplicateId, title: "a" }),
          newItem(call.id, user.id, { id: duplicateId, title: "b" }),
        ]),
      ).rejects.toThrow();
      expect((await store.actionItems.listForCall(user.id, call.id)).map((i) => i.title)).toEqual(["kept"]);
    });

    it("concurrent replaceAiItems of one call leave exactly one complete set", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const sets = Array.from({ length: 8 }, (_, run) =>
        Array.from({ length: 4 }, (_, i) => newItem(call.id, user.id, { title: `run${run}-item${i}` })),
      );
      await Promise.all(sets.map((items) => store.actionItems.replaceAiItems(call.id, items)));
      const titles = (await store.actionItems.listForCall(user.id, call.id)).map((i) => i.title);
      expect(titles).toHaveLength(4);
      const run = titles[0]!.split("-")[0];
      expect(titles).toEqual([0, 1, 2, 3].map((i) => `${run}-item${i}`));
    });

    it("reads and writes are owner-scoped", async () => {
      const owner = await newUser();
      const other = await newUser();
      const call = await store.calls.insert(newCall(owner.id));
      const item = await store.actionItems.insert(newItem(call.id, owner.id));
      expect(await store.actionItems.get(other.id, item.id)).toBeNull();
      expect(await store.actionItems.listForCall(other.id, call.id)).toEqual([]);
      expect(await store.actionItems.listForUser(other.id, { limit: 10 })).toEqual([]);
      expect(await store.actionItems.update(other.id, item.id, { status: "DONE" })).toBeNull();
      expect(await store.actionItems.delete(other.id, item.id)).toBe(false);
      expect((await store.actionItems.get(owner.id, item.id))?.status).toBe("OPEN");
    });

    it("update patches given fields; delete is hard and reports absence", async () => {
      const user = await newUser();
      const call = await store.calls.insert(newCall(user.id));
      const item = await store.actionItems.insert(newItem(call.id, user.id, { description: "d" }));
      const updated = await store.actionItems.update(user.id, item.id, {
        status: "IN_PROGRESS",
        dueDate: "2026-07-01",
        description: null,
      });
      expect(updated).toMatchObject({
        status: "IN_PROGRESS",
        dueDate: "2026-07-01",
        description: null,
        title: item.title,
      });
      expect(updated!.updatedAt.getTime()).toBeGreaterThanOrEqual(item.updatedAt.getTime());
      expect(await store.actionItems.delete(user.id, item.id)).toBe(true);
      expect(await store.actionItems.delete(user.id, item.id)).toBe(false);
      expect(await store.actionItems.get(user.id, item.id)).toBeNull();
    });

    it("listForUser pages newest first across calls, filterable by status", async () => {
      const user = await newUser();
      const callA = await store.calls.insert(newCall(user.id));
      const callB = await store.calls.insert(newCall(user.id));
      const created: string[] = [];
      for (let i = 0; i < 9; i++) {
        const call = i % 2 ? callA : callB;
        created.push(
          (
            await store.actionItems.insert(
              newItem(call.id, user.id, { title: `t${i}`, status: i % 3 ? "OPEN" : "DONE" }),
            )
          ).id,
        );
      }
      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | null = null;
      for (;;) {
        const page = await store.actionItems.listForUser(user.id, { limit: 4, after });
        if (page.length === 0) break;
        seen.push(...page.map((i) => i.id));
        const last = page[page.length - 1]!;
        after = { createdAt: last.createdAt, id: last.id };
      }
      expect(seen.sort()).toEqual([...created].sort());
      const all = await store.actionItems.listForUser(user.id, { limit: 100 });
      for (let i = 1; i < all.length; i++) {
        const [prev, cur] = [all[i - 1]!, all[i]!];
        expect(
          prev.createdAt > cur.createdAt || (prev.createdAt.getTime() === cur.createdAt.getTime() && prev.id > cur.id),
        ).toBe(true);
      }
      const done = await store.actionItems.listForUser(user.id, { limit: 100, status: "DONE" });
      expect(done.map((i) => i.title).sort()).toEqual(["t0", "t3", "t6"]);
    });
  });

  describe("webhooks", () => {
    const newEndpoint = async (userId: string, events: Array<"call.completed" | "call.failed" | "call.deleted">) =>
      store.webhooks.insert({
        id: randomUUID(),
        userId,
        url: "https://example.com/hook",
        description: null,
        events,
        secret: "whsec_c2VjcmV0",
      });

    it("keeps endpoints owner-scoped and lists them newest first", async () => {
      const alice = await newUser();
      const bob = await newUser();
      const first = await newEndpoint(alice.id, ["call.completed"]);
      const second = await newEndpoint(alice.id, ["call.failed", "call.deleted"]);
      expect(first).toMatchObject({
        enabled: true,
        disabledReason: null,
        failingSince: null,
        events: ["call.completed"],
      });
      expect(await store.webhooks.get(bob.id, first.id)).toBeNull();
      expect(await store.webhooks.update(bob.id, first.id, { enabled: false })).toBeNull();
      expect(await store.webhooks.delete(bob.id, first.id)).toBe(false);
      const listed = await store.webhooks.list(alice.id, { limit: 10 });
      expect(new Set(listed.map((e) => e.id))).toEqual(new Set([first.id, second.id]));
      const page = await store.webhooks.list(alice.id, { limit: 1, after: listed[0]! });
      expect(page.map((e) => e.id)).toEqual([listed[1]!.id]);
      expect((await store.webhooks.subscribed(alice.id, "call.failed")).map((e) => e.id)).toEqual([second.id]);
      expect(await store.webhooks.subscribed(bob.id, "call.failed")).toEqual([]);
      await store.webhooks.update(alice.id, second.id, { enabled: false });
      expect(await store.webhooks.subscribed(alice.id, "call.failed")).toEqual([]);
    });

    it("starts a failing run, disables the endpoint once it is old enough, and a success ends the run", async () => {
      const user = await newUser();
      const endpoint = await newEndpoint(user.id, ["call.completed"]);
      const t0 = new Date("2026-05-01T00:00:00Z");
      const hours = (h: number) => new Date(t0.getTime() + h * 3_600_000);
      const outcome = (succeeded: boolean, at: Date) =>
        store.webhooks.recordOutcome(endpoint.id, {
          succeeded,
          at,
          disableIfFailingSince: new Date(at.getTime() - 72 * 3_600_000),
          disableReason: "failing_for_too_long",
        });
      expect(await outcome(false, t0)).toEqual({ disabled: false });
      expect((await store.webhooks.getById(endpoint.id))!.failingSince).toEqual(t0);
      expect(await outcome(false, hours(10))).toEqual({ disabled: false });
      expect((await store.webhooks.getById(endpoint.id))!.failingSince).toEqual(t0);
      expect(await outcome(true, hours(11))).toEqual({ disabled: false });
      expect((await store.webhooks.getById(endpoint.id))!.failingSince).toBeNull();
      expect(await outcome(false, hours(12))).toEqual({ disabled: false });
      expect(await outcome(false, hours(12 + 71))).toEqual({ disabled: false });
      expect(await outcome(false, hours(12 + 72))).toEqual({ disabled: true });
      expect(await store.webhooks.getById(endpoint.id)).toMatchObject({
        enabled: false,
        disabledReason: "failing_for_too_long",
      });
    });

    it("records each attempt once (compare-and-set) and reopens only finished deliveries", async () => {
      const user = await newUser();
      const other = await newUser();
      const endpoint = await newEndpoint(user.id, ["call.completed"]);
      const delivery = await store.webhookDeliveries.insert({
        id: randomUUID(),
        endpointId: endpoint.id,
        userId: user.id,
        eventType: "call.completed",
        messageId: "msg_1",
        payload: '{"type":"call.completed"}',
      });
      expect(delivery).toMatchObject({ status: "PENDING", attempts: 0, attemptLog: [] });
      const at = new Date("2026-05-01T00:00:00.123Z");
      const first = { attempt: 1, at, statusCode: 500, durationMs: 12, error: "http_500" };
      const retry = { status: "PENDING" as const, failureReason: null, nextAttemptAt: new Date(at.getTime() + 1000) };
      expect(await store.webhookDeliveries.recordAttempt(delivery.id, first, retry)).toBe(true);
      expect(await store.webhookDeliveries.recordAttempt(delivery.id, first, retry)).toBe(false);
      expect(await store.webhookDeliveries.reopen(user.id, endpoint.id, delivery.id, at)).toBeNull();
      const second = { attempt: 2, at, statusCode: 200, durationMs: 3, error: null };
      expect(
        await store.webhookDeliveries.recordAttempt(delivery.id, second, {
          status: "SUCCEEDED",
          failureReason: null,
          nextAttemptAt: null,
        }),
      ).toBe(true);
      const read = await store.webhookDeliveries.get(user.id, endpoint.id, delivery.id);
      expect(read).toMatchObject({ status: "SUCCEEDED", attempts: 2, attemptLog: [first, second] });
      expect(await store.webhookDeliveries.get(other.id, endpoint.id, delivery.id)).toBeNull();
      expect(await store.webhookDeliveries.list(other.id, endpoint.id, { limit: 10 })).toEqual([]);
      expect(await store.webhookDeliveries.reopen(other.id, endpoint.id, delivery.id, at)).toBeNull();
      const later = new Date(at.getTime() + 60_000);
      const reopened = await store.webhookDeliveries.reopen(user.id, endpoint.id, delivery.id, later);
      expect(reopened).toMatchObject({ status: "PENDING", attempts: 2, windowStartedAt: later, messageId: "msg_1" });
      // Deleting the endpoint takes its deliveries with it.
      expect(await store.webhooks.delete(user.id, endpoint.id)).toBe(true);
      expect(await store.webhookDeliveries.getById(delivery.id)).toBeNull();
    });
  });

  describe("idempotency", () => {
    it("claim, get, complete, then a retry sees the stored response", async () => {
      const user = await newUser();
      const key = randomUUID();
      expect(await store.idempotency.get(user.id, key)).toBeNull();
      expect(await store.idempotency.claim(user.id, key, "h1")).toEqual({ claimed: true });
      expect(await store.idempotency.get(user.id, key)).toMatchObject({
        state: "PENDING",
        requestHash: "h1",
        responseStatus: null,
      });

      await store.idempotency.complete(user.id, key, 202, '{"callId":"x"}');
      const retry = await store.idempotency.claim(user.id, key, "h2");
      expect(retry).toMatchObject({
        claimed: false,
        record: {
          userId: user.id,
          key,
          requestHash: "h1",
          state: "DONE",
          responseStatus: 202,
          responseBody: '{"callId":"x"}',
        },
      });
      // Keys are per user.
      const other = await newUser();
      expect(await store.idempotency.claim(other.id, key, "h1")).toEqual({ claimed: true });
    });

    it("release frees a pending claim but never a completed one", async () => {
      const user = await newUser();
      const key = randomUUID();
      await store.idempotency.claim(user.id, key, "h");
      await store.idempotency.release(user.id, key);
      expect(await store.idempotency.get(user.id, key)).toBeNull();
      expect(await store.idempotency.claim(user.id, key, "h")).toEqual({ claimed: true });
      await store.idempotency.complete(user.id, key, 201, "{}");
      await store.idempotency.release(user.id, key);
      expect((await store.idempotency.get(user.id, key))?.state).toBe("DONE");
    });

    it("an expired record no longer binds its key", async () => {
      const user = await newUser();
      const key = randomUUID();
      await at(new Date(Date.now() - IDEMPOTENCY_TTL_MS - 60_000), async () => {
        await store.idempotency.claim(user.id, key, "old");
        await store.idempotency.complete(user.id, key, 202, "old");
      });
      expect(await store.idempotency.claim(user.id, key, "new")).toEqual({ claimed: true });
      expect(await store.idempotency.get(user.id, key)).toMatchObject({
        requestHash: "new",
        state: "PENDING",
        responseBody: null,
      });
    });

    it("an abandoned claim (its process died before answering) frees the key; a recent one does not", async () => {
      const user = await newUser();
      const abandoned = randomUUID();
      const recent = randomUUID();
      await at(new Date(Date.now() - IDEMPOTENCY_ABANDONED_MS - 60_000), () =>
        store.idempotency.claim(user.id, abandoned, "h"),
      );
      await at(new Date(Date.now() - 60_000), () => store.idempotency.claim(user.id, recent, "h"));
      expect(await store.idempotency.claim(user.id, abandoned, "h")).toEqual({ claimed: true });
      expect(await store.idempotency.claim(user.id, recent, "h")).toMatchObject({
        claimed: false,
        record: { state: "PENDING" },
      });
    });

    it("20 concurrent claims of one key: exactly one is claimed, the rest see its record", async () => {
      const user = await newUser();
      const key = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.idempotency.claim(user.id, key, `h${i}`)),
      );
      const winners = results.flatMap((r, i) => (r.claimed ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const result of results)
        if (!result.claimed)
          expect(result.record).toMatchObject({ userId: user.id, key, requestHash: `h${winners[0]}` });
    });

    it("purgeBefore deletes records older than the cut-off and counts them", async () => {
      const user = await newUser();
      const ancient = new Date("2001-01-01T00:00:00Z");
      await at(ancient, async () => {
        await store.idempotency.claim(user.id, "k1", "h");
        await store.idempotency.claim(user.id, "k2", "h");
      });
      await store.idempotency.claim(user.id, "k3", "h");
      expect(await store.idempotency.purgeBefore(new Date("2001-06-01T00:00:00Z"))).toBe(2);
      expect(await store.idempotency.get(user.id, "k1")).toBeNull();
      expect(await store.idempotency.get(user.id, "k3")).not.toBeNull();
    });
  });
});
