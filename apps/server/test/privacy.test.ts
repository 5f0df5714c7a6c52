import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fixture,
  getJson,
  listStoredObjects,
  sendJson,
  spokenTranscription,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "./harness";

/**
 * docs/contract.md § Redaction, end to end: a call that speaks a phone number (in
 * words), an e-mail address (spoken) and a card number yields a transcript, an
 * analysis, action items, SRT and a digest with none of them in full, and no
 * stored object holds them either.
 */
const SENTENCES = [
  "Hi Ravi, this is Priya from Acme.",
  "My number is nine eight seven six five, four three two one zero.",
  "Please email the contract to ravi dot kumar at acme dot com by Friday.",
  "I will pay with card 4111 1111 1111 1111 tomorrow.",
  "The OTP is 482916.",
  "Send me the invoice for 4999 rupees by 2026-06-05.",
];
const SECRETS = [
  "9876543210",
  "nine eight seven six five",
  "ravi dot kumar",
  "ravi.kumar",
  "4111 1111 1111 1111",
  "4111111111111111",
  "482916",
];

const verboseJson = () => spokenTranscription(SENTENCES);

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let server: TestServer;
let callId: string;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  transcription.answerWith(async () => ({ status: 200, body: verboseJson() }));
  server = await startTestServer({ TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k" });
  const upload = await uploadFile(server.url, fixture("audio", "tone.wav"), {
    metadata: { contactName: "Ravi", direction: "OUTGOING" },
  });
  expect(upload.status).toBe(202);
  callId = upload.body.callId;
  expect(await waitForTerminal(server.url, callId, {}, 60_000)).toBe("COMPLETED");
}, 90_000);
afterAll(async () => {
  await server?.close();
  await transcription?.close();
});

describe("redaction of spoken personal data", () => {
  it("transcript, analysis, items, SRT and digest hold none of the values", async () => {
    const transcript = (await getJson(`${server.url}/api/calls/${callId}/transcript`)).body!;
    const analysis = (await getJson(`${server.url}/api/calls/${callId}/analysis`)).body!;
    const items = (await getJson(`${server.url}/api/calls/${callId}/action-items`)).body!;
    const srt = await (await fetch(`${server.url}/api/calls/${callId}/transcript?format=srt`)).text();
    const digest = await (await fetch(`${server.url}/api/calls/${callId}/digest`)).text();
    const published = [JSON.stringify({ transcript, analysis, items }), srt, digest].join("\n").toLowerCase();
    for (const secret of SECRETS) expect(published).not.toContain(secret.toLowerCase());
    expect(transcript.cleanText).toContain("[PHONE ending 3210]");
    expect(transcript.cleanText).toContain("[EMAIL]");
    expect(transcript.cleanText).toContain("[CARD ending 1111]");
    expect(transcript.cleanText).toContain("[CODE]");
    // The traps survive: a price and a date are not personal data.
    expect(transcript.cleanText).toContain("4999 rupees");
    expect(transcript.cleanText).toContain("2026-06-05");
    expect(transcript.redaction).toEqual({
      enabled: true,
      version: expect.any(String),
      counts: { PHONE: 1, EMAIL: 1, CARD: 1, IBAN: 0, OTP: 1 },
      total: 4,
    });
  });

  it("the placeholder keeps the time span of the words it replaced", async () => {
    const transcript = (await getJson(`${server.url}/api/calls/${callId}/transcript`)).body!;
    const segment = transcript.segments.find((s: { text: string }) => s.text.includes("[PHONE ending 3210]"));
    expect(segment).toBeDefined();
    const words = verboseJson().words;
    const first = words.find((w) => w.word === "nine")!;
    expect(segment.startSeconds).toBeLessThanOrEqual(first.start);
    expect(segment.endSeconds).toBeGreaterThanOrEqual(words.find((w) => w.word === "zero")!.end - 0.001);
  });

  it("no stored object holds the values (raw provider answer included)", async () => {
    const keys = await listStoredObjects(server);
    expect(keys.some((key) => key.endsWith("transcripts/raw.json"))).toBe(true);
    for (const key of keys) {
      const body = (await server.runtime.storage.getBuffer(key)).toString("utf8").toLowerCase();
      for (const secret of SECRETS) expect(body, key).not.toContain(secret.toLowerCase());
    }
  });

  it("records the PII_REDACTED stage", async () => {
    const events = await server.runtime.store.events.list(callId);
    expect(events.map((e) => `${e.stage}:${e.status}`)).toContain("PII_REDACTED:COMPLETED");
  });
});

describe("GET /api/calls/{id}/processing (egress ledger)", () => {
  it("lists every stage and each outside service that received the call, with what it got", async () => {
    const ledger = await getJson(`${server.url}/api/calls/${callId}/processing`);
    expect(ledger.status).toBe(200);
    const stages = ledger.body!.stages.map((s: { stage: string; status: string }) => `${s.stage}:${s.status}`);
    expect(stages).toEqual(
      expect.arrayContaining(["TRANSCRIBED:COMPLETED", "PII_REDACTED:COMPLETED", "ANALYZED:COMPLETED"]),
    );
    // The offline analyser ran: only the transcription service received anything, and only audio.
    expect(ledger.body!.egress).toEqual([
      {
        stage: "TRANSCRIBED",
        provider: expect.any(String),
        model: expect.any(String),
        host: new URL(transcription.baseURL).host,
        received: "AUDIO",
        status: "COMPLETED",
        at: expect.stringMatching(/Z$/u),
      },
    ]);
  });

  it("an unknown call is a 404 in the documented shape", async () => {
    const missing = await getJson(`${server.url}/api/calls/00000000-0000-4000-8000-000000000000/processing`);
    expect(missing.status).toBe(404);
    expect(missing.body!.error.code).toBe("call_not_found");
  });
});

/** A local server speaking OpenAI chat completions that records every prompt it receives. */
async function startRecordingLlm(answer: unknown) {
  const prompts: string[] = [];
  const llm = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      prompts.push(JSON.stringify((JSON.parse(body) as { messages: unknown }).messages));
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          id: "chatcmpl-test",
          object: "chat.completion",
          created: 1780000000,
          model: "gpt-4o-mini",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: JSON.stringify(answer), refusal: null },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => llm.listen(0, "127.0.0.1", resolve));
  return {
    baseURL: `http://127.0.0.1:${(llm.address() as AddressInfo).port}/v1`,
    prompts,
    close: () => new Promise<void>((resolve) => llm.close(() => resolve())),
  };
}

describe("pseudonymised LLM prompt (docs/contract.md § Analysis document)", () => {
  let llm: Awaited<ReturnType<typeof startRecordingLlm>>;
  let llmServer: TestServer;
  let llmCallId: string;

  beforeAll(async () => {
    llm = await startRecordingLlm({
      schemaVersion: 3,
      oneLineSummary: "PERSON_1 of ORG_1 follows up with PERSON_2.",
      actionItems: [
        { title: "Email the contract to PERSON_2", priority: "medium", intent: "email", sourceSegmentIds: [] },
      ],
    });
    llmServer = await startTestServer({
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
      LLM_BASE_URL: llm.baseURL,
      LLM_API_KEY: "sk-test",
    });
    await sendJson("PATCH", `${llmServer.url}/api/users/me`, { displayName: "Priya Sharma" });
    const upload = await uploadFile(llmServer.url, fixture("audio", "tone.wav"), {
      metadata: { contactName: "Ravi Kumar", organization: "Acme", direction: "OUTGOING" },
    });
    llmCallId = upload.body.callId;
    expect(await waitForTerminal(llmServer.url, llmCallId, {}, 60_000)).toBe("COMPLETED");
  }, 90_000);
  afterAll(async () => {
    await llmServer?.close();
    await llm?.close();
  });

  it("the prompt holds placeholders, no real name and no redacted value; the answer is mapped back", async () => {
    expect(llm.prompts.length).toBeGreaterThan(0);
    const prompt = llm.prompts.at(-1)!;
    for (const real of ["Ravi", "Kumar", "Priya", "Sharma", "Acme"]) expect(prompt).not.toContain(real);
    for (const secret of SECRETS) expect(prompt.toLowerCase()).not.toContain(secret.toLowerCase());
    expect(prompt).toContain("PERSON_1");
    expect(prompt).toContain("PERSON_2");
    expect(prompt).toContain("[PHONE ending 3210]");

    const analysis = (await getJson(`${llmServer.url}/api/calls/${llmCallId}/analysis`)).body!;
    expect(analysis.oneLineSummary).toMatch(
      /^(Priya Sharma|Ravi Kumar) of Acme follows up with (Priya Sharma|Ravi Kumar)\.$/u,
    );
    expect(JSON.stringify(analysis)).not.toMatch(/PERSON_\d|ORG_\d/u);
  });

  it("the egress ledger lists the LLM host as having received the transcript", async () => {
    const ledger = (await getJson(`${llmServer.url}/api/calls/${llmCallId}/processing`)).body!;
    expect(ledger.egress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stage: "ANALYZED",
          host: new URL(llm.baseURL).host,
          model: "gpt-4o-mini",
          received: "TRANSCRIPT",
        }),
        expect.objectContaining({ stage: "TRANSCRIBED", received: "AUDIO" }),
      ]),
    );
  });
});
