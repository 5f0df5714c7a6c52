import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * Plain GET queries under /trpc take a fast path (plugins/trpc-queries.ts); batches
 * go through tRPC's own adapter. A client must not be able to tell them apart:
 * the same query answers the same status and body either way.
 */
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;
let guarded: TestServer;
let callId: string;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
  guarded = await startTestServer({ SCRYON_API_KEY: "the-key" });
  callId = (await uploadFile(server.url, fixture("audio", "tone.wav"))).body.callId as string;
  // A call still moving through its stages can change status between the plain and the batched read.
  await waitForTerminal(server.url, callId);
});
afterAll(async () => {
  await server?.close();
  await guarded?.close();
  await transcription?.close();
});

const mediaType = (response: Response) => response.headers.get("content-type")?.split(";")[0];

async function both(base: string, path: string, input: string | undefined, headers: Record<string, string> = {}) {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(input)}`;
  const plain = await fetch(`${base}/trpc/${path}${query}`, { headers });
  const batchInput = input === undefined ? "{}" : `{"0":${input}}`;
  const batched = await fetch(`${base}/trpc/${path}?batch=1&input=${encodeURIComponent(batchInput)}`, { headers });
  const batchedBody = (await batched.json()) as unknown[];
  return {
    // Fastify names the charset of JSON (`application/json; charset=utf-8`); tRPC's stream does not.
    plain: { status: plain.status, type: mediaType(plain), body: await plain.json() },
    batched: { status: batched.status, type: mediaType(batched), body: batchedBody[0] },
  };
}

describe("tRPC plain GET queries", () => {
  it.each([
    ["a result", "calls.status", () => JSON.stringify({ ids: [callId] })],
    ["a validation error", "calls.status", () => JSON.stringify({ ids: [] })],
    ["a not-found error", "calls.get", () => JSON.stringify({ id: "00000000-0000-4000-8000-000000000000" })],
    ["no input", "health.check", () => undefined],
  ])("answer %s exactly as tRPC's adapter does", async (_label, path, input) => {
    const { plain, batched } = await both(server.url, path, input());
    expect(plain).toEqual(batched);
  });

  it("refuses missing credentials in the tRPC envelope with the documented error", async () => {
    const { plain, batched } = await both(guarded.url, "calls.list", "{}");
    expect(plain).toEqual(batched);
    expect(plain.status).toBe(401);
    expect(plain.body).toMatchObject({ error: { data: { error: { code: "auth_missing" } } } });
  });

  it("answers input that is not JSON with a parse error, and leaves mutations to the adapter", async () => {
    const bad = await fetch(`${server.url}/trpc/calls.status?input=%7Bnot-json`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { data: { error: { code: "validation_failed" } } } });
    const mutationByGet = await fetch(`${server.url}/trpc/calls.update?input=%7B%7D`);
    expect(mutationByGet.status).toBe(405);
  });
});
