import { randomUUID } from "node:crypto";
import { type AppRouter, actionItemSchema, servedAnalysisSchema, servedTranscriptSchema } from "@scryon/api";
import { startFakePyannote } from "@scryon/providers/testing";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  fixtureJson,
  getJson,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * The transcript and the analysis are typed on every surface (docs/contract.md § Transcript document,
 * § Analysis document): the tRPC client reads them without a cast (this file only compiles if it can:
 * `npm run typecheck:all`), the OpenAPI document describes them in full, REST answers parse with the
 * router's own schemas, and documents stored under an older version are served as stored.
 */
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let pyannote: Awaited<ReturnType<typeof startFakePyannote>>;
let server: TestServer;
let callId: string;
let olderCallId: string;

const OLDER_TRANSCRIPT = {
  schemaVersion: 1,
  callId: "kept-as-stored",
  text: "Asha: hello\nRavi: hi",
  utterances: [{ speaker: "A", text: "hello" }],
};
const OLDER_ANALYSIS = { schemaVersion: 2, summary: "An older summary", keyPoints: ["kept as stored"] };

async function complete(id: string) {
  expect(await waitForTerminal(server.url, id, {}, 60_000)).toBe("COMPLETED");
}

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  const diarization = await fixtureJson<{ output: { diarization: unknown[] } }>(
    "calls",
    "sales-follow-up",
    "diarization.pyannote.json",
  );
  pyannote = await startFakePyannote({ apiKey: "pyannote-test-key", output: diarization.output });
  server = await startTestServer({
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "test-key",
    PYANNOTE_ENABLED: "true",
    PYANNOTE_API_KEY: "pyannote-test-key",
    PYANNOTE_BASE_URL: pyannote.baseURL,
    PYANNOTE_POLL_INTERVAL_SECONDS: "0.05",
  });
  const script = await fixtureJson<{ contactName: string; direction: string; recordedAt: string; title: string }>(
    "calls",
    "sales-follow-up",
    "script.json",
  );
  const verbose = await fixtureJson("calls", "sales-follow-up", "transcription.verbose.json");
  transcription.answerWith(async () => ({ status: 200, body: verbose }));
  const upload = await uploadFile(server.url, fixture("calls", "sales-follow-up", "call.m4a"), {
    metadata: {
      title: script.title,
      contactName: script.contactName,
      direction: script.direction,
      recordedAt: script.recordedAt,
    },
  });
  expect(upload.status).toBe(202);
  callId = upload.body.callId;
  await complete(callId);

  // A second call whose documents were stored by an older build: its objects are replaced by v1/v2 JSON.
  const older = await uploadFile(server.url, fixture("calls", "sales-follow-up", "call.m4a"), {
    metadata: { title: "Stored long ago" },
  });
  olderCallId = older.body.callId;
  await complete(olderCallId);
  for (const [type, body] of [
    ["NORMALIZED_TRANSCRIPT_JSON", OLDER_TRANSCRIPT],
    ["ANALYSIS_JSON", OLDER_ANALYSIS],
  ] as const) {
    const artifact = await server.runtime.store.artifacts.get(olderCallId, type);
    await server.runtime.storage.put(artifact!.storageKey, JSON.stringify(body), { contentType: "application/json" });
  }
}, 150_000);

afterAll(async () => {
  await server?.close();
  await transcription?.close();
  await pyannote?.close();
});

describe("typed transcript and analysis", () => {
  it("the tRPC client reads transcript.segments[0].text and analysis.actionItems[0].title with no cast", async () => {
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const transcript = await client.calls.transcript.query({ id: callId });
    const analysis = await client.calls.analysis.query({ id: callId });
    // Narrowing on the version is all a client does: the current documents are typed in full.
    if (transcript.schemaVersion !== 2) throw new Error(`expected a v2 transcript, got ${transcript.schemaVersion}`);
    if (analysis.schemaVersion !== 3) throw new Error(`expected a v3 analysis, got ${analysis.schemaVersion}`);
    const firstText: string = transcript.segments[0]!.text;
    const firstSpeaker: "USER" | "CONTACT" | "UNKNOWN" = transcript.segments[0]!.role;
    const createdAt: string = transcript.createdAt;
    const firstTitle: string | undefined = analysis.actionItems?.[0]?.title;
    const shortSummary: string | undefined = analysis.shortSummary;
    expect(firstText.length).toBeGreaterThan(0);
    expect(["USER", "CONTACT", "UNKNOWN"]).toContain(firstSpeaker);
    expect(Date.parse(createdAt)).not.toBeNaN();
    expect(firstTitle).toEqual(expect.any(String));
    expect(shortSummary).toBe(analysis.oneLineSummary);
  });

  it("REST answers of both procedures parse with the router's schemas, as the current versions", async () => {
    const transcript = await getJson(`${server.url}/api/calls/${callId}/transcript`);
    const analysis = await getJson(`${server.url}/api/calls/${callId}/analysis`);
    expect(transcript.status).toBe(200);
    expect(analysis.status).toBe(200);
    const parsedTranscript = servedTranscriptSchema.parse(transcript.body);
    const parsedAnalysis = servedAnalysisSchema.parse(analysis.body);
    expect(parsedTranscript).toEqual(transcript.body);
    expect(parsedAnalysis).toEqual(analysis.body);
    expect(parsedTranscript.schemaVersion).toBe(2);
    expect(parsedAnalysis.schemaVersion).toBe(3);
    expect((analysis.body!.actionItems as unknown[]).length).toBeGreaterThan(0);
  });

  it("serves documents stored under an older version unchanged, on REST and tRPC", async () => {
    const transcript = await getJson(`${server.url}/api/calls/${olderCallId}/transcript`);
    const analysis = await getJson(`${server.url}/api/calls/${olderCallId}/analysis`);
    expect(transcript).toMatchObject({ status: 200, body: OLDER_TRANSCRIPT });
    expect(transcript.body).toEqual(OLDER_TRANSCRIPT);
    expect(analysis.body).toEqual(OLDER_ANALYSIS);
    expect(servedTranscriptSchema.parse(transcript.body)).toEqual(OLDER_TRANSCRIPT);
    expect(servedAnalysisSchema.parse(analysis.body)).toEqual(OLDER_ANALYSIS);

    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    expect(await client.calls.transcript.query({ id: olderCallId })).toEqual(OLDER_TRANSCRIPT);
    expect(await client.calls.analysis.query({ id: olderCallId })).toEqual(OLDER_ANALYSIS);
  });

  it("the served OpenAPI document describes segments and action items in full", async () => {
    const { body: document } = await getJson(`${server.url}/api/openapi.json`);
    const schemas = document!.components.schemas;
    const responseSchema = (route: string) =>
      document!.paths[route].get.responses["200"].content["application/json"].schema as { $ref: string };
    expect(responseSchema("/calls/{id}/transcript")).toEqual({ $ref: "#/components/schemas/TranscriptDocument" });
    expect(responseSchema("/calls/{id}/analysis")).toEqual({ $ref: "#/components/schemas/AnalysisDocument" });

    const [transcriptV2, olderTranscript] = schemas.TranscriptDocument.anyOf;
    expect(transcriptV2.properties.schemaVersion).toMatchObject({ const: 2 });
    expect(transcriptV2.properties.createdAt).toMatchObject({ type: "string", format: "date-time" });
    const segment = transcriptV2.properties.segments.items;
    expect(Object.keys(segment.properties).sort()).toEqual(
      [
        "alignmentConfidence",
        "endSeconds",
        "id",
        "role",
        "sourceSpeakerId",
        "speaker",
        "speakerDisplayName",
        "speakerId",
        "speakerLabel",
        "startSeconds",
        "text",
      ].sort(),
    );
    expect(segment.required).toEqual(expect.arrayContaining(["id", "text", "startSeconds", "endSeconds", "speakerId"]));
    expect(segment.properties.text).toMatchObject({ type: "string", description: expect.any(String) });
    expect(segment.properties.role).toMatchObject({ enum: ["USER", "CONTACT", "UNKNOWN"] });
    expect(transcriptV2.properties.speakers.items.properties.labelSource.enum).toContain("GREETING_MATCH");
    expect(olderTranscript.properties.schemaVersion).toMatchObject({ const: 1 });

    const [analysisV3, olderAnalysis] = schemas.AnalysisDocument.anyOf;
    expect(analysisV3.properties.schemaVersion).toMatchObject({ const: 3 });
    expect(analysisV3.required).toContain("schemaVersion");
    for (const alias of ["shortSummary", "detailedSummary", "keyPoints"])
      expect(analysisV3.properties).toHaveProperty(alias);
    const actionItem = analysisV3.properties.actionItems.items;
    for (const field of [
      "title",
      "description",
      "ownerSpeakerId",
      "ownerSpeakerLabel",
      "ownerDisplayName",
      "ownerRole",
      "dueDate",
      "priority",
      "sourceSegmentIds",
      "intent",
      "intentMetadata",
    ]) {
      expect(actionItem.properties, field).toHaveProperty(field);
    }
    expect(actionItem.properties.title).toMatchObject({ type: "string", description: expect.any(String) });
    expect(actionItem.properties.intent.enum).toEqual([
      "meeting",
      "email",
      "call",
      "message",
      "reminder",
      "task",
      "none",
    ]);
    expect(olderAnalysis.properties.schemaVersion).toMatchObject({ enum: [1, 2] });

    const sourceText = schemas.ActionItem
      ? schemas.ActionItem.properties.sourceText
      : document!.paths["/calls/{id}/action-items"].get.responses["200"].content["application/json"].schema.properties
          .items.items.properties.sourceText;
    const sourceTextObject = (sourceText.anyOf ?? [sourceText]).find((s: { type?: string }) => s.type === "object");
    expect(Object.keys(sourceTextObject.properties).sort()).toEqual(["excerpt", "priority", "segmentIds"]);
  });
});

describe("an action item's sourceText", () => {
  it("is an object on REST and tRPC, and older free-text rows stay readable", async () => {
    const { body } = await getJson(`${server.url}/api/calls/${callId}/action-items`);
    const items = body!.items as Array<Record<string, any>>;
    expect(items.length).toBeGreaterThan(0);
    for (const item of items) {
      const parsed = actionItemSchema.parse(item);
      expect(parsed.sourceText).toEqual({
        priority: expect.toBeOneOf(["low", "medium", "high", null]),
        segmentIds: item.sourceSegmentIds,
        excerpt: expect.toBeOneOf([expect.any(String), null]),
      });
    }
    const cited = items.find((item) => item.sourceSegmentIds.length > 0)!;
    expect(cited.sourceText.excerpt.length).toBeGreaterThan(0);

    // A row an older build wrote with free text in source_text.
    const me = await getJson(`${server.url}/api/users/me`);
    const legacy = await server.runtime.store.actionItems.insert({
      id: randomUUID(),
      callId,
      userId: me.body!.id,
      title: "Written by an older build",
      description: null,
      dueDate: null,
      status: "OPEN",
      priority: "HIGH",
      source: "AI",
      sourceText: "priority high; seg_0003",
      ownerSpeakerId: null,
      ownerSpeakerLabel: null,
      ownerDisplayName: null,
      ownerRole: null,
      sourceSegmentIds: ["seg_0003"],
      intent: null,
      intentMetadata: null,
    });
    const client = createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${server.url}/trpc` })] });
    const listed = await client.actionItems.listForCall.query({ id: callId });
    const read = listed.items.find((item) => item.id === legacy.id)!;
    const excerpt: string | null | undefined = read.sourceText?.excerpt;
    expect(excerpt).toBe("priority high; seg_0003");
    expect(read.sourceText).toEqual({ priority: null, segmentIds: ["seg_0003"], excerpt: "priority high; seg_0003" });
  });
});
