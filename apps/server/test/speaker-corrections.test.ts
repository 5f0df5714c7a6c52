import fs from "node:fs/promises";
import { startFakePyannote } from "@scryon/providers/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  fixtureJson,
  getJson,
  sendJson,
  startFakeTranscriptionServer,
  startFirebaseKeys,
  startTestServer,
  TEST_MODE,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * docs/contract.md § Speaker corrections, end to end: a scripted two-party call goes through the real pipeline
 * (ffmpeg, an OpenAI-protocol and a pyannoteAI-protocol server), then its speakers are corrected over HTTP.
 * The steps build on each other, in order.
 */
const CALL = "sales-follow-up";
const CALL_AUDIO = fixture("calls", CALL, "call.m4a");

type Json = Record<string, any>;

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let pyannote: Awaited<ReturnType<typeof startFakePyannote>>;
let keys: Awaited<ReturnType<typeof startFirebaseKeys>>;
let server: TestServer;
let alice: Record<string, string>;
let bob: Record<string, string>;
let callId: string;
/** The speaker ids as the pipeline resolved them: Priya (USER) and Ravi Kumar (CONTACT). */
let userSpeaker: string;
let contactSpeaker: string;
let manualItemId: string;
let editedItemId: string;

const api = (path: string) => `${server.url}/api${path}`;
const speakerUrl = (speakerId: string, query = "") => api(`/calls/${callId}/speakers/${speakerId}${query}`);
const correct = (speakerId: string, body: unknown, headers: Record<string, string> = {}, query = "") =>
  sendJson("PATCH", speakerUrl(speakerId, query), body, { ...alice, ...headers });
const transcript = async () => (await getJson(api(`/calls/${callId}/transcript`), alice)).body as Json;
const items = async () => (await getJson(api(`/calls/${callId}/action-items`), alice)).body!.items as Json[];
const speakerOf = (document: Json, speakerId: string) =>
  (document.speakers as Json[]).find((speaker) => speaker.speakerId === speakerId)!;

/** Every segment of the speaker carries its label, name and role, and the clean text shows the label. */
function expectSegmentsOf(document: Json, speakerId: string, label: string, role: string) {
  const segments = (document.segments as Json[]).filter((segment) => segment.speakerId === speakerId);
  expect(segments.length).toBeGreaterThan(0);
  for (const segment of segments) {
    expect(segment).toMatchObject({ speaker: label, speakerLabel: label, role });
  }
  expect(document.cleanText).toContain(`] ${label}: ${segments[0]!.text}`);
}

/** A word the contact speaker says (in the first of their segments that has one), and what search answers for it. */
async function searchContactWord(headers: Record<string, string> = alice) {
  const segments = (await transcript()).segments as Json[];
  const segment = segments.find((s) => s.speakerId === contactSpeaker && /\p{L}{6,}/u.test(s.text))!;
  const word = (segment.text as string).match(/\p{L}{6,}/u)![0];
  const response = await getJson(api(`/search?q=${encodeURIComponent(word)}`), headers);
  expect(response.status).toBe(200);
  const hits = response.body!.items as Json[];
  return { hit: hits.find((hit) => hit.segmentId === segment.id), hits };
}

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  const diarization = await fixtureJson<{ output: { diarization: unknown[] } }>(
    "calls",
    CALL,
    "diarization.pyannote.json",
  );
  pyannote = await startFakePyannote({ apiKey: "pyannote-test-key", output: diarization.output });
  keys = await startFirebaseKeys();
  const verbose = await fixtureJson("calls", CALL, "transcription.verbose.json");
  transcription.answerWith(async () => ({ status: 200, body: verbose }));
  server = await startTestServer({
    FIREBASE_PROJECT_ID: keys.projectId,
    FIREBASE_JWKS_URL: keys.jwksUrl,
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "test-key",
    PYANNOTE_ENABLED: "true",
    PYANNOTE_API_KEY: "pyannote-test-key",
    PYANNOTE_BASE_URL: pyannote.baseURL,
    PYANNOTE_POLL_INTERVAL_SECONDS: "0.05",
  });
  alice = { authorization: `Bearer ${await keys.token("alice-uid", { name: "Priya Sharma" })}` };
  bob = { authorization: `Bearer ${await keys.token("bob-uid")}` };

  const upload = await uploadFile(server.url, CALL_AUDIO, {
    headers: alice,
    metadata: { title: "Proposal follow-up", contactName: "Ravi Kumar", direction: "OUTGOING" },
  });
  expect(upload.status).toBe(202);
  callId = upload.body.callId;
  expect(await waitForTerminal(server.url, callId, alice, 60_000)).toBe("COMPLETED");

  const resolved = await transcript();
  userSpeaker = (resolved.speakers as Json[]).find((s) => s.role === "USER")!.speakerId;
  contactSpeaker = (resolved.speakers as Json[]).find((s) => s.role === "CONTACT")!.speakerId;
  expect(speakerOf(resolved, userSpeaker).displayName).toBe("Priya Sharma");
  expect(speakerOf(resolved, contactSpeaker).displayName).toBe("Ravi Kumar");

  // A manual item, and an AI item the user edited: neither edit may be overwritten by a correction.
  const manual = await sendJson("POST", api(`/calls/${callId}/action-items`), { title: "Book the room" }, alice);
  expect(manual.status).toBe(201);
  manualItemId = manual.body!.id;
  const aiItem = (await items()).find((item) => item.source === "AI" && item.ownerSpeakerId === contactSpeaker)!;
  editedItemId = aiItem.id;
  const edited = await sendJson(
    "PUT",
    api(`/action-items/${editedItemId}`),
    { title: "Signed contract (edited)", description: null, dueDate: null, priority: "HIGH", status: "OPEN" },
    alice,
  );
  expect(edited.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await server?.close();
  await transcription?.close();
  await pyannote?.close();
  await keys?.close();
});

describe("speaker corrections", () => {
  it("renames a speaker in the transcript, its exports and the items' owners", async () => {
    const response = await correct(contactSpeaker, { displayName: "  Ravi   K. " });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ callId, reanalyzed: false });
    expect(speakerOf(response.body!, contactSpeaker)).toMatchObject({
      displayName: "Ravi K.",
      label: "Ravi K.",
      role: "CONTACT",
      labelSource: "USER_CORRECTION",
      confidence: "HIGH",
    });
    // The other speaker is untouched.
    expect(speakerOf(response.body!, userSpeaker)).toMatchObject({ displayName: "Priya Sharma", role: "USER" });
    expect(speakerOf(response.body!, userSpeaker).labelSource).not.toBe("USER_CORRECTION");

    const document = await transcript();
    expect(document.schemaVersion).toBe(2);
    expect(document.speakers).toEqual(response.body!.speakers);
    expectSegmentsOf(document, contactSpeaker, "Ravi K.", "CONTACT");
    expect(document.cleanText).not.toContain("Ravi Kumar:");

    const text = await fetch(api(`/calls/${callId}/transcript?format=text`), { headers: alice });
    expect(text.status).toBe(200);
    expect(await text.text()).toContain("Ravi K.");
    const srt = await (await fetch(api(`/calls/${callId}/transcript?format=srt`), { headers: alice })).text();
    expect(srt).toContain("Ravi K.");
    expect(srt).not.toContain("Ravi Kumar");

    const owned = (await items()).filter((item) => item.ownerSpeakerId === contactSpeaker);
    expect(owned.length).toBeGreaterThan(0);
    for (const item of owned) expect(item).toMatchObject({ ownerDisplayName: "Ravi K.", ownerSpeakerLabel: "Ravi K." });
    const edited = (await items()).find((item) => item.id === editedItemId)!;
    expect(edited).toMatchObject({ title: "Signed contract (edited)", priority: "HIGH", ownerDisplayName: "Ravi K." });
    const manual = (await items()).find((item) => item.id === manualItemId)!;
    expect(manual).toMatchObject({ title: "Book the room", source: "MANUAL", ownerSpeakerId: null });

    // Search names the speaker as corrected, and the call's contact takes the corrected name.
    expect((await searchContactWord()).hit).toMatchObject({ callId, kind: "transcript", speakerName: "Ravi K." });
    const contactId = (await getJson(api(`/calls/${callId}`), alice)).body!.contactId as string;
    expect((await getJson(api(`/contacts/${contactId}`), alice)).body).toMatchObject({ displayName: "Ravi K." });
  });

  it("moving a role swaps the other speaker, names and items' owners following", async () => {
    const ownedByUser = (await items()).filter((i) => i.source === "AI" && i.ownerSpeakerId === userSpeaker);
    expect(ownedByUser.length).toBeGreaterThan(0);

    const response = await correct(contactSpeaker, { role: "USER" });
    expect(response.status).toBe(200);
    expect(speakerOf(response.body!, contactSpeaker)).toMatchObject({
      role: "USER",
      displayName: "Priya Sharma",
      labelSource: "USER_CORRECTION",
      roleSource: "USER_CORRECTION",
      confidence: "HIGH",
    });
    expect(speakerOf(response.body!, userSpeaker)).toMatchObject({
      role: "CONTACT",
      displayName: "Ravi K.",
      labelSource: "USER_CORRECTION",
    });
    const document = await transcript();
    expectSegmentsOf(document, contactSpeaker, "Priya Sharma", "USER");
    expectSegmentsOf(document, userSpeaker, "Ravi K.", "CONTACT");
    for (const item of (await items()).filter((i) => ownedByUser.some((o) => o.id === i.id)))
      expect(item).toMatchObject({ ownerRole: "CONTACT", ownerDisplayName: "Ravi K." });

    // And back: the call as it really was, with the corrected contact name.
    const back = await correct(userSpeaker, { role: "USER" });
    expect(back.status).toBe(200);
    expect(speakerOf(back.body!, userSpeaker)).toMatchObject({ role: "USER", displayName: "Priya Sharma" });
    expect(speakerOf(back.body!, contactSpeaker)).toMatchObject({ role: "CONTACT", displayName: "Ravi K." });
  });

  it("?reanalyze=true re-runs the analysis on the corrected transcript, and a later reanalyze keeps it", async () => {
    const response = await correct(contactSpeaker, { displayName: "Ravi" }, {}, "?reanalyze=true");
    expect(response.status).toBe(200);
    expect(response.body!.reanalyzed).toBe(true);
    const check = async () => {
      const document = await transcript();
      expect(speakerOf(document, contactSpeaker)).toMatchObject({ displayName: "Ravi", role: "CONTACT" });
      expectSegmentsOf(document, contactSpeaker, "Ravi", "CONTACT");
      const aiItems = (await items()).filter((item) => item.source === "AI");
      const owned = aiItems.filter((item) => item.ownerSpeakerId === contactSpeaker);
      expect(owned.length).toBeGreaterThan(0);
      for (const item of owned) expect(item).toMatchObject({ ownerDisplayName: "Ravi", ownerRole: "CONTACT" });
      expect(aiItems.some((item) => item.ownerDisplayName === "Ravi Kumar")).toBe(false);
      expect((await searchContactWord()).hit).toMatchObject({ speakerName: "Ravi" });
    };
    await check();
    const reanalyzed = await sendJson("POST", api(`/calls/${callId}/reanalyze`), undefined, alice);
    expect(reanalyzed.status).toBe(200);
    await check();
  });

  it("survives a re-run of speaker resolution (the pipeline runs the call again)", async () => {
    const { runtime } = server;
    const call = (await runtime.store.calls.getById(callId))!;
    // The raw audio is gone once a call completes: put it back, as a re-run from the upload would have it.
    const storageKey = `users/${call.userId}/calls/${callId}/temp/audio-upload.m4a`;
    const { sizeBytes } = await runtime.storage.put(storageKey, await fs.readFile(CALL_AUDIO), {
      contentType: "audio/mp4",
    });
    await runtime.store.artifacts.upsert({
      callId,
      type: "TEMP_AUDIO",
      storageKey,
      contentType: "audio/mp4",
      sizeBytes,
    });
    expect(await runtime.store.calls.transition(callId, ["COMPLETED"], "QUEUED")).toBe(true);
    await runtime.pipeline.processCall(callId);
    expect(await waitForTerminal(server.url, callId, alice, 60_000)).toBe("COMPLETED");

    const refined = (await runtime.store.events.list(callId)).filter(
      (event) => event.stage === "SPEAKER_REFINED" && event.status === "COMPLETED",
    );
    expect(refined).toHaveLength(2);
    const document = await transcript();
    expect(speakerOf(document, contactSpeaker)).toMatchObject({
      displayName: "Ravi",
      role: "CONTACT",
      labelSource: "USER_CORRECTION",
    });
    expect(speakerOf(document, userSpeaker)).toMatchObject({ displayName: "Priya Sharma", role: "USER" });
    expectSegmentsOf(document, contactSpeaker, "Ravi", "CONTACT");
    for (const item of (await items()).filter((i) => i.source === "AI" && i.ownerSpeakerId === contactSpeaker))
      expect(item.ownerDisplayName).toBe("Ravi");
  });

  it("is the same procedure over tRPC", async () => {
    const response = await fetch(`${server.url}/trpc/speakers.correct`, {
      method: "POST",
      headers: { ...alice, "content-type": "application/json" },
      body: JSON.stringify({ id: callId, speakerId: contactSpeaker, displayName: "Ravi" }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    expect(speakerOf(body.result.data, contactSpeaker)).toMatchObject({ displayName: "Ravi", role: "CONTACT" });
  });

  it("answers a retry with the same Idempotency-Key with the first response, and refuses the key for another body", async () => {
    const headers = { "idempotency-key": `rename-${callId}` };
    const first = await correct(userSpeaker, { displayName: "Priya S." }, headers);
    expect(first.status).toBe(200);
    const again = await correct(userSpeaker, { displayName: "Priya S." }, headers);
    expect(again).toEqual(first);
    const reused = await correct(userSpeaker, { displayName: "Someone else" }, headers);
    expect(reused.status).toBe(409);
    expect(reused.body!.error.code).toBe("idempotency_key_reused");
    expect(speakerOf(await transcript(), userSpeaker).displayName).toBe("Priya S.");
  });

  it("gives another user a 404, exactly like a missing call, and changes nothing", async () => {
    const before = await transcript();
    const foreign = await sendJson("PATCH", speakerUrl(contactSpeaker), { displayName: "Mallory" }, bob);
    expect(foreign.status).toBe(404);
    expect(foreign.body!.error.code).toBe("call_not_found");
    const missing = await sendJson(
      "PATCH",
      api(`/calls/00000000-0000-4000-8000-000000000000/speakers/${contactSpeaker}`),
      { displayName: "Mallory" },
      bob,
    );
    expect(missing.body).toEqual(foreign.body);
    expect(await transcript()).toEqual(before);
    // Nor does another user's search find the call, its corrected speaker or its contact.
    expect((await searchContactWord(bob)).hits).toEqual([]);
    expect((await getJson(api("/contacts"), bob)).body).toEqual({ items: [] });
  });

  it("refuses bad input in the documented shape: 400 validation_failed, 404 speaker_not_found", async () => {
    for (const body of [
      {},
      { role: "BOSS" },
      { displayName: "" },
      { displayName: "+91 98765 43210" },
      { displayName: "ravi@acme.com" },
    ]) {
      const response = await correct(contactSpeaker, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body!.error.code).toBe("validation_failed");
      expect(response.body!.error.details.fields.length).toBeGreaterThan(0);
    }
    for (const speakerId of ["spk_9", "nobody"]) {
      const response = await correct(speakerId, { displayName: "Ravi" });
      expect(response.status).toBe(404);
      expect(response.body!.error.code).toBe("speaker_not_found");
    }
  });

  it("answers 409 call_state_conflict for a call that did not complete", async () => {
    transcription.answerWith(async () => ({ status: 400, body: { error: { message: "bad audio" } } }));
    const upload = await uploadFile(server.url, CALL_AUDIO, { headers: alice, metadata: { title: "Broken" } });
    expect(upload.status).toBe(202);
    expect(await waitForTerminal(server.url, upload.body.callId, alice, 60_000)).toBe("FAILED");
    const response = await sendJson(
      "PATCH",
      api(`/calls/${upload.body.callId}/speakers/spk_0`),
      { displayName: "Ravi" },
      alice,
    );
    expect(response.status).toBe(409);
    expect(response.body!.error).toMatchObject({
      code: "call_state_conflict",
      details: { status: "FAILED", reason: "call_not_completed" },
    });
  });

  // Embedded only: the test S3 server (s3rver) writes an object in place, so a request reading the transcript
  // while the other writes it can see half a file, which S3 itself (whole-object PUTs) never shows.
  it.skipIf(TEST_MODE === "scale-out")(
    "keeps both of two corrections of different speakers sent at the same time",
    async () => {
      const [first, second] = await Promise.all([
        correct(userSpeaker, { displayName: "Priya at once" }),
        correct(contactSpeaker, { displayName: "Ravi at once" }),
      ]);
      expect([first.status, second.status]).toEqual([200, 200]);
      const document = await transcript();
      expectSegmentsOf(document, userSpeaker, "Priya at once", "USER");
      expectSegmentsOf(document, contactSpeaker, "Ravi at once", "CONTACT");
      const aiItems = (await items()).filter((item) => item.source === "AI");
      for (const item of aiItems.filter((i) => i.ownerSpeakerId === userSpeaker))
        expect(item.ownerDisplayName).toBe("Priya at once");
      for (const item of aiItems.filter((i) => i.ownerSpeakerId === contactSpeaker))
        expect(item.ownerDisplayName).toBe("Ravi at once");
    },
  );
});
