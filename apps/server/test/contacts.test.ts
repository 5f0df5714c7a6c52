import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  sendJson,
  startFakeTranscriptionServer,
  startFirebaseKeys,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * docs/contract.md § Contacts, in both modes: calls grouped by the client's contactId, else the phone number
 * however it is written, else the name; the counts after the pipeline; rename; owner scoping; account deletion;
 * and the phone number kept only as a keyed hash and its last four digits.
 */
let keys: Awaited<ReturnType<typeof startFirebaseKeys>>;
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;
let alice: Record<string, string>;
let bob: Record<string, string>;

beforeAll(async () => {
  keys = await startFirebaseKeys();
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({
    FIREBASE_PROJECT_ID: keys.projectId,
    FIREBASE_JWKS_URL: keys.jwksUrl,
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "k",
  });
  alice = { authorization: `Bearer ${await keys.token("alice-contacts", { name: "Alice" })}` };
  bob = { authorization: `Bearer ${await keys.token("bob-contacts")}` };
});
afterAll(async () => {
  await server?.close();
  await transcription?.close();
  await keys?.close?.();
});

async function upload(headers: Record<string, string>, metadata: Record<string, unknown>): Promise<string> {
  const response = await uploadFile(server.url, fixture("audio", "tone.wav"), { headers, metadata });
  expect(response.status).toBe(202);
  return response.body.callId as string;
}

async function completed(headers: Record<string, string>, metadata: Record<string, unknown>): Promise<string> {
  const callId = await upload(headers, metadata);
  expect(await waitForTerminal(server.url, callId, headers, 60_000)).toBe("COMPLETED");
  return callId;
}

const contactOf = async (callId: string, headers = alice) =>
  (await getJson(`${server.url}/api/calls/${callId}`, headers)).body!.contactId as string | undefined;

/** Every row of a table as text, read straight from the database of either mode. */
async function tableText(table: "contacts" | "calls", on: TestServer = server): Promise<string> {
  const { database } = on.runtime.config;
  if (database.kind === "sqlite") {
    const store = on.runtime.store as unknown as { sqlite: { prepare(sql: string): { all(): unknown[] } } };
    return JSON.stringify(store.sqlite.prepare(`select * from ${table}`).all());
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return JSON.stringify((await client.query(`select * from ${table}`)).rows);
  } finally {
    await client.end();
  }
}

describe("contacts", () => {
  let ravi: string;
  let first: string;
  let second: string;

  it("groups two calls of one phone number written differently into one contact with both calls", async () => {
    first = await completed(alice, { contactName: "Ravi", phoneNumber: "+91 98765 43210", title: "First" });
    second = await completed(alice, { phoneNumber: "+919876543210", title: "Second" });
    ravi = (await contactOf(first))!;
    expect(ravi).toMatch(/^[0-9a-f-]{36}$/);
    expect(await contactOf(second)).toBe(ravi);

    const list = (await getJson(`${server.url}/api/calls`, alice)).body!.items as Array<Record<string, unknown>>;
    expect(list.find((item) => item.callId === first)?.contactId).toBe(ravi);

    const detail = await getJson(`${server.url}/api/contacts/${ravi}`, alice);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ contactId: ravi, displayName: "Ravi", phoneLast4: "3210", callCount: 2 });
    expect(detail.body!.calls.map((call: { callId: string }) => call.callId)).toEqual([second, first]);
  });

  it("counts open items and takes the newest call's sentiment once the pipeline is done", async () => {
    const quote = await sendJson(
      "POST",
      `${server.url}/api/calls/${first}/action-items`,
      { title: "Send the quote" },
      alice,
    );
    expect(quote.status).toBe(201);
    const done = await sendJson(
      "POST",
      `${server.url}/api/calls/${second}/action-items`,
      { title: "Call back" },
      alice,
    );
    expect(done.status).toBe(201);
    expect(
      (await sendJson("PATCH", `${server.url}/api/actions/${done.body!.id}`, { status: "DONE" }, alice)).status,
    ).toBe(200);

    const analysis = (await getJson(`${server.url}/api/calls/${second}/analysis`, alice)).body!;
    const sentiment = analysis.sentiment?.overall as string | undefined;
    expect(sentiment).toBeDefined();

    const detail = (await getJson(`${server.url}/api/contacts/${ravi}`, alice)).body!;
    expect(detail.lastSentiment).toBe(sentiment);
    // Every OPEN or IN_PROGRESS item of its calls: the manual one, and any the analysis opened.
    let open = 0;
    for (const callId of [first, second]) {
      const items = (await getJson(`${server.url}/api/calls/${callId}/action-items`, alice)).body!.items as Array<{
        status: string;
      }>;
      open += items.filter((item) => item.status === "OPEN" || item.status === "IN_PROGRESS").length;
    }
    expect(open).toBeGreaterThanOrEqual(1);
    expect(detail.openActionItemCount).toBe(open);
    expect(detail.openActionItems.map((item: { title: string }) => item.title)).toContain("Send the quote");
    expect(detail.openActionItems.map((item: { title: string }) => item.title)).not.toContain("Call back");

    const listed = (await getJson(`${server.url}/api/contacts`, alice)).body!.items.find(
      (c: { contactId: string }) => c.contactId === ravi,
    );
    expect(listed).toMatchObject({
      callCount: 2,
      openActionItemCount: detail.openActionItemCount,
      lastSentiment: sentiment,
    });
    expect(Date.parse(listed.lastCallAt)).toBeGreaterThan(0);
  });

  it("groups by the client's contactId first, then by name regardless of case and spacing", async () => {
    const byId = await upload(alice, { contactId: "contacts:42", contactName: "Priya", phoneNumber: "+1 555 0100" });
    const byIdAgain = await upload(alice, { contactId: "contacts:42", contactName: "Someone else" });
    const byName = await upload(alice, { contactName: "Acme  Support" });
    const byNameAgain = await upload(alice, { contactName: " acme support " });
    const nobody = await upload(alice, { title: "No one named" });
    for (const callId of [byId, byIdAgain, byName, byNameAgain, nobody])
      expect(await waitForTerminal(server.url, callId, alice, 60_000)).toBe("COMPLETED");

    const priya = (await contactOf(byId))!;
    expect(await contactOf(byIdAgain)).toBe(priya);
    const acme = (await contactOf(byName))!;
    expect(await contactOf(byNameAgain)).toBe(acme);
    expect(new Set([priya, acme, ravi]).size).toBe(3);
    expect(await contactOf(nobody)).toBeUndefined();
    expect((await getJson(`${server.url}/api/contacts/${priya}`, alice)).body).toMatchObject({
      displayName: "Priya",
      clientContactId: "contacts:42",
      callCount: 2,
    });

    // Newest activity first, one page at a time.
    const page = await getJson(`${server.url}/api/contacts?limit=2`, alice);
    expect(page.body!.items.map((c: { contactId: string }) => c.contactId)).toEqual([acme, priya]);
    const next = await getJson(`${server.url}/api/contacts?limit=2&cursor=${page.body!.nextCursor}`, alice);
    expect(next.body!.items.map((c: { contactId: string }) => c.contactId)).toEqual([ravi]);
    expect(next.body!.nextCursor).toBeUndefined();
  });

  it("two concurrent uploads of one new number end in one contact", async () => {
    const ids = await Promise.all([
      upload(alice, { phoneNumber: "+44 20 7946 0018" }),
      upload(alice, { phoneNumber: "0044 (20) 7946-0018" }),
    ]);
    const contacts = await Promise.all(ids.map((id) => contactOf(id)));
    expect(contacts[0]).toBeDefined();
    expect(contacts[1]).toBe(contacts[0]);
    for (const id of ids) expect(await waitForTerminal(server.url, id, alice, 60_000)).toBe("COMPLETED");
    expect((await getJson(`${server.url}/api/contacts/${contacts[0]}`, alice)).body).toMatchObject({
      displayName: "Contact ending 0018",
      callCount: 2,
    });
  });

  it("renames a contact; an empty name goes back to the automatic one", async () => {
    const renamed = await sendJson("PATCH", `${server.url}/api/contacts/${ravi}`, { displayName: "Ravi Kumar" }, alice);
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ contactId: ravi, displayName: "Ravi Kumar" });
    // A later call with the old name keeps the chosen one.
    await completed(alice, { contactName: "Ravi", phoneNumber: "98765 43210" });
    expect((await getJson(`${server.url}/api/contacts/${ravi}`, alice)).body).toMatchObject({
      displayName: "Ravi Kumar",
      callCount: 3,
    });
    const cleared = await sendJson("PATCH", `${server.url}/api/contacts/${ravi}`, { displayName: "" }, alice);
    expect(cleared.body).toMatchObject({ contactId: ravi, displayName: "Contact ending 3210" });
    await sendJson("PATCH", `${server.url}/api/contacts/${ravi}`, { displayName: "Ravi Kumar" }, alice);
    const refused = await sendJson(
      "PATCH",
      `${server.url}/api/contacts/${ravi}`,
      { displayName: "x".repeat(201) },
      alice,
    );
    expect(refused.status).toBe(400);
    expect(refused.body!.error.code).toBe("validation_failed");
  });

  it("keeps the contact's number only as a keyed hash and its last four digits; the call keeps what was sent", async () => {
    // The call detail answers the number the client sent (the calls API's documented shape) …
    const detail = (await getJson(`${server.url}/api/calls/${first}`, alice)).body!;
    expect(detail.phoneNumber).toBe("+91 98765 43210");
    // … while the contact, which outlives any one call, holds no full number in any form.
    const contacts = await tableText("contacts");
    expect(contacts).toContain('"3210"');
    expect(contacts).not.toContain("9876543210");
    expect(contacts).not.toContain("98765 43210");
    expect((await getJson(`${server.url}/api/contacts/${ravi}`, alice)).body!.phoneNumber).toBeUndefined();
  });

  it("another user sees none of it: 404 for the contact, an empty list", async () => {
    for (const [method, body] of [
      ["GET", undefined],
      ["PATCH", { displayName: "Mine now" }],
    ] as const) {
      const response = await sendJson(method, `${server.url}/api/contacts/${ravi}`, body, bob);
      expect(response.status).toBe(404);
      expect(response.body!.error.code).toBe("contact_not_found");
    }
    expect((await getJson(`${server.url}/api/contacts/not-a-uuid`, bob)).status).toBe(404);
    expect((await getJson(`${server.url}/api/contacts`, bob)).body).toEqual({ items: [] });
    expect((await getJson(`${server.url}/api/contacts/${ravi}`, alice)).body!.displayName).toBe("Ravi Kumar");
  });

  it("deleting a contact's last call, or the account, removes the contact", async () => {
    const bobCall = await completed(bob, { contactName: "Carol" });
    const carol = (await contactOf(bobCall, bob))!;
    expect((await fetch(`${server.url}/api/calls/${bobCall}`, { method: "DELETE", headers: bob })).status).toBe(204);
    expect((await getJson(`${server.url}/api/contacts/${carol}`, bob)).status).toBe(404);

    const me = (await getJson(`${server.url}/api/users/me`, alice)).body!;
    expect((await fetch(`${server.url}/api/users/me`, { method: "DELETE", headers: alice })).status).toBe(204);
    expect(await server.runtime.store.contacts.get(me.id, ravi)).toBeNull();
    expect(await server.runtime.store.contacts.list(me.id, { limit: 10 })).toEqual([]);
    expect(await tableText("contacts")).not.toContain(me.id);
  });
});

describe("calls stored before contacts existed", () => {
  let legacyServer: TestServer;
  afterAll(async () => {
    await legacyServer?.close();
  });

  it("are grouped after start-up, keep the number they were sent with, and the hash key survives a restart", async () => {
    legacyServer = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
    const userId = (await getJson(`${legacyServer.url}/api/users/me`)).body!.id as string;
    // Rows as an older build wrote them: the full number, no contact.
    const legacy: string[] = [];
    for (const phoneNumber of ["+91 98765 43210", "+919876543210"]) {
      const call = await legacyServer.runtime.store.calls.insert({
        id: randomUUID(),
        userId,
        title: "Legacy",
        contactName: "Ravi",
        contactId: null,
        phoneNumber,
        organization: null,
        direction: null,
        recordedAt: null,
        durationSeconds: null,
        sourceContentType: "audio/wav",
        sourceSizeBytes: 1,
      });
      await legacyServer.runtime.store.calls.transition(call.id, ["QUEUED"], "COMPLETED");
      legacy.push(call.id);
    }
    expect(await tableText("calls", legacyServer)).toContain("9876543210");

    await legacyServer.stop();
    legacyServer = await startTestServer(
      { TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" },
      legacyServer.dataDir,
    );
    // Grouped in the background after start-up: wait for it.
    const contactIds = async () =>
      Promise.all(
        legacy.map(async (id) => (await getJson(`${legacyServer.url}/api/calls/${id}`)).body!.contactId as string),
      );
    await expect.poll(async () => (await contactIds()).every(Boolean), { timeout: 30_000 }).toBe(true);
    const contacts = await contactIds();
    expect(contacts[0]).toBeDefined();
    expect(contacts[1]).toBe(contacts[0]);
    expect((await getJson(`${legacyServer.url}/api/calls/${legacy[0]}`)).body!.phoneNumber).toBe("+91 98765 43210");
    expect(await tableText("contacts", legacyServer)).not.toContain("9876543210");

    // A new upload of the same number after the restart finds the same contact: the key was kept.
    const fresh = await uploadFile(legacyServer.url, fixture("audio", "tone.wav"), {
      metadata: { phoneNumber: "098765 43210" },
    });
    expect(fresh.status).toBe(202);
    expect(await waitForTerminal(legacyServer.url, fresh.body.callId, {}, 60_000)).toBe("COMPLETED");
    expect((await getJson(`${legacyServer.url}/api/calls/${fresh.body.callId}`)).body!.contactId).toBe(contacts[0]);
    expect((await getJson(`${legacyServer.url}/api/contacts/${contacts[0]}`)).body).toMatchObject({
      displayName: "Ravi",
      phoneLast4: "3210",
      callCount: 3,
    });
  });
});
