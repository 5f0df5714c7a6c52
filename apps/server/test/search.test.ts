import { reindexCall } from "@scryon/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  sendJson,
  spokenTranscription,
  startFakeTranscriptionServer,
  startFirebaseKeys,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * docs/contract.md § Search, end to end in both modes: words spoken in a call processed by
 * the real pipeline (fake transcription server) are found with their segment, phrase,
 * prefix and unicode queries work, only the owner's calls are searched, and the index
 * follows item edits, reanalysis and deletion.
 */
const SENTENCES = [
  "Hi Ravi, this is Priya from Acme.",
  "We can offer a fifteen percent discount on the annual plan.",
  "Un café, s'il vous plaît.",
  "नमस्ते दोस्त, कल मिलते हैं।",
  "ありがとう 東京 また 来週",
  "My number is 98765 43210.",
  "I will send you the quotation by Friday.",
];

let keys: Awaited<ReturnType<typeof startFirebaseKeys>>;
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;
let alice: Record<string, string>;
let bob: Record<string, string>;
let aliceCall: string;
let bobCall: string;

type Hit = {
  callId: string;
  kind: string;
  segmentId: string | null;
  startSeconds: number | null;
  actionItemId: string | null;
  snippet: string;
  title: string | null;
  contactName: string | null;
  contactId: string | null;
  createdAt: string;
};

const search = async (query: Record<string, string>, headers = alice) => {
  const response = await getJson(`${server.url}/api/search?${new URLSearchParams(query)}`, headers);
  return { status: response.status, body: response.body!, items: (response.body?.items ?? []) as Hit[] };
};
const callIds = (hits: Hit[]) => [...new Set(hits.map((h) => h.callId))];

async function upload(headers: Record<string, string>, title: string) {
  const response = await uploadFile(server.url, fixture("audio", "tone.wav"), {
    headers,
    metadata: { title, contactName: "Ravi", direction: "OUTGOING" },
  });
  expect(response.status).toBe(202);
  expect(await waitForTerminal(server.url, response.body.callId, headers, 60_000)).toBe("COMPLETED");
  return response.body.callId as string;
}

beforeAll(async () => {
  keys = await startFirebaseKeys();
  transcription = await startFakeTranscriptionServer();
  transcription.answerWith(async () => ({ status: 200, body: spokenTranscription(SENTENCES) }));
  server = await startTestServer({
    FIREBASE_PROJECT_ID: keys.projectId,
    FIREBASE_JWKS_URL: keys.jwksUrl,
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "k",
  });
  alice = { authorization: `Bearer ${await keys.token("alice-uid", { name: "Priya" })}` };
  bob = { authorization: `Bearer ${await keys.token("bob-uid", { name: "Priya" })}` };
  // Both say the same words: only the owner's call may ever come back.
  aliceCall = await upload(alice, "Acme renewal");
  bobCall = await upload(bob, "Bob's renewal");
}, 120_000);
afterAll(async () => {
  await server?.close();
  await transcription?.close();
  await keys?.close();
});

describe("GET /api/search", () => {
  it("finds a spoken word with its segment, its start and the call", async () => {
    const transcript = (await getJson(`${server.url}/api/calls/${aliceCall}/transcript`, alice)).body!;
    const segment = (transcript.segments as Array<{ id: string; startSeconds: number; text: string }>).find((s) =>
      s.text.includes("discount"),
    )!;
    const detail = (await getJson(`${server.url}/api/calls/${aliceCall}`, alice)).body!;

    const { status, items } = await search({ q: "discount" });
    expect(status).toBe(200);
    const hit = items.find((h) => h.kind === "transcript");
    expect(hit).toMatchObject({
      callId: aliceCall,
      segmentId: segment.id,
      startSeconds: segment.startSeconds,
      actionItemId: null,
      title: "Acme renewal",
      contactName: "Ravi",
      createdAt: detail.createdAt,
    });
    expect(hit!.snippet).toContain("<mark>discount</mark>");
    // The call's contact: a filter on it keeps the hit, another contact's id (here: none of alice's) drops it.
    expect(hit!.contactId).toBe(detail.contactId);
    expect((await search({ q: "discount", contactId: detail.contactId })).items).toContainEqual(hit);
    expect((await search({ q: "discount", contactId: "00000000-0000-4000-8000-000000000000" })).items).toEqual([]);
    expect((await search({ q: "discount", contactId: detail.contactId }, bob)).items).toEqual([]);
    // Escaped text with only <mark> as markup: safe to insert as HTML.
    for (const h of items) expect(h.snippet.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
    expect(callIds(items)).toEqual([aliceCall]);
  });

  it("phrase, prefix and unicode queries", async () => {
    const segmentHits = async (q: string) =>
      (await search({ q })).items.filter((h) => h.kind === "transcript").map((h) => h.segmentId);
    const [discount] = await segmentHits("discount");
    expect(await segmentHits('"annual plan"')).toEqual([discount]);
    expect(await segmentHits('"plan annual"')).toEqual([]);
    expect(await segmentHits("disc*")).toEqual([discount]);
    expect(await segmentHits("discou")).toEqual([]);
    expect(await segmentHits("DISCOUNT Annual")).toEqual([discount]);
    expect(await segmentHits("café")).toHaveLength(1);
    expect(await segmentHits("नमस्ते")).toHaveLength(1);
    expect(await segmentHits("東京")).toHaveLength(1);
    const hindi = (await search({ q: "नमस्ते" })).items[0]!;
    expect(hindi.snippet).toContain("<mark>नमस्ते</mark>");
    // Stray syntax is only punctuation, never an error.
    for (const q of ['disc"ount', 'discount"', "discount AND", "(discount", "discount -", "NEAR(discount", "*disc*"])
      expect((await search({ q })).status).toBe(200);
  });

  it("a query without words is a 400 invalid_search_query in the documented shape", async () => {
    for (const q of ["", "   ", '""', "*", '"*" - ( ) : ^', "OR", "AND NOT"]) {
      const { status, body } = await search({ q });
      expect(status).toBe(400);
      expect(body.error.code).toBe("invalid_search_query");
      expect(typeof body.error.message).toBe("string");
    }
    const missing = await getJson(`${server.url}/api/search`, alice);
    expect([missing.status, missing.body!.error.code]).toEqual([400, "invalid_search_query"]);
  });

  it("only the owner's calls are searched", async () => {
    expect(callIds((await search({ q: "discount" }, bob)).items)).toEqual([bobCall]);
    const carol = { authorization: `Bearer ${await keys.token("carol-uid")}` };
    const { status, items } = await search({ q: "discount" }, carol);
    expect(status).toBe(200);
    expect(items).toEqual([]);
    for (const q of ["discount", "café", "quotation", "acme", "ravi"])
      expect(callIds((await search({ q })).items)).not.toContain(bobCall);
  });

  it("indexes the redacted text only", async () => {
    expect((await search({ q: "98765" })).items).toEqual([]);
    expect((await search({ q: "43210" })).items).toEqual([]);
  });

  it("pages with an opaque cursor bound to its query, and filters on the call's createdAt", async () => {
    const all = (await search({ q: "the", limit: "100" })).items;
    expect(all.length).toBeGreaterThan(1);
    const seen: Hit[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ q: "the", limit: "1", ...(cursor && { cursor }) });
      expect(page.status).toBe(200);
      seen.push(...page.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
    const first = await search({ q: "the", limit: "1" });
    expect((await search({ q: "discount", cursor: first.body.nextCursor })).status).toBe(400);

    const createdAt = new Date(all[0]!.createdAt);
    expect(callIds((await search({ q: "discount", from: createdAt.toISOString() })).items)).toEqual([aliceCall]);
    // createdAt is served to the second: the call was created within [createdAt, createdAt + 1 s).
    const after = new Date(createdAt.getTime() + 1000).toISOString();
    expect((await search({ q: "discount", from: after })).items).toEqual([]);
    expect((await search({ q: "discount", to: createdAt.toISOString() })).items).toEqual([]);
    expect(callIds((await search({ q: "discount", to: after })).items)).toEqual([aliceCall]);
  });

  it("reindexCall rebuilds a call's documents from what is stored (for features that rewrite a transcript)", async () => {
    const before = (await search({ q: "discount" })).items;
    const deps = server.runtime.apiDeps;
    const owner = await deps.store.users.findOrCreate({ authUid: "alice-uid", email: null, displayName: null });
    await deps.store.search.replace(aliceCall, []);
    expect((await search({ q: "discount" })).items).toEqual([]);
    await reindexCall(deps, owner, aliceCall);
    expect((await search({ q: "discount" })).items).toEqual(before);
  });

  it("follows action item edits and reanalysis", async () => {
    const items = (await getJson(`${server.url}/api/calls/${aliceCall}/action-items`, alice)).body!.items as Array<{
      id: string;
      title: string;
      priority: string;
      status: string;
    }>;
    const item = items[0]!;
    expect(item).toBeDefined();
    const word = item.title.split(/\s+/).find((w) => /^[a-z]{5,}$/i.test(w))!;
    const itemHits = async (q: string) => (await search({ q })).items.filter((h) => h.kind === "action_item");
    expect((await itemHits(word)).map((h) => h.actionItemId)).toContain(item.id);

    const edited = await sendJson(
      "PUT",
      `${server.url}/api/action-items/${item.id}`,
      {
        title: "Negotiate the zanzibar rate",
        description: null,
        dueDate: null,
        priority: item.priority,
        status: item.status,
      },
      alice,
    );
    expect(edited.status).toBe(200);
    expect(await itemHits("zanzibar")).toMatchObject([{ actionItemId: item.id, callId: aliceCall }]);

    // Reanalysis replaces the AI items (the edit with them) and the index follows, without duplicates.
    const transcriptHits = (await search({ q: "discount" })).items.length;
    expect((await sendJson("POST", `${server.url}/api/calls/${aliceCall}/reanalyze`, undefined, alice)).status).toBe(
      200,
    );
    expect(await itemHits("zanzibar")).toEqual([]);
    expect((await itemHits(word)).length).toBeGreaterThan(0);
    expect((await search({ q: "discount" })).items.length).toBe(transcriptHits);
  });

  it("a deleted call's hits are gone", async () => {
    expect((await sendJson("DELETE", `${server.url}/api/calls/${aliceCall}`, undefined, alice)).status).toBe(204);
    for (const q of ["discount", "café", "quotation"]) expect((await search({ q })).items).toEqual([]);
    expect(callIds((await search({ q: "discount" }, bob)).items)).toEqual([bobCall]);
  });
});
