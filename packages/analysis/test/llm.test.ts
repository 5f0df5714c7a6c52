import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AnalysisError, createLlmAnalyzer } from "../src/index";
import { PRIYA_AND_RAVI, transcript } from "./transcripts";

/**
 * A local server speaking the OpenAI chat completions wire format: the answers and error
 * bodies have the shape api.openai.com sends.
 */
type Reply = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let baseURL: string;
let replies: Reply[];
let received: Array<{ path: string; headers: IncomingMessage["headers"]; body: Record<string, unknown> }>;

beforeEach(async () => {
  replies = [];
  received = [];
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
      const reply = replies.shift();
      if (!reply) return sendJson(res, 500, openAiError("no reply scripted", "server_error"));
      reply(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function sendJson(res: ServerResponse, status: number, payload: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(payload));
}

function openAiError(message: string, type: string, code: string | null = null) {
  return { error: { message, type, param: null, code } };
}

function completion(
  content: string | null,
  usage = { prompt_tokens: 812, completion_tokens: 240, total_tokens: 1052 },
) {
  return {
    id: "chatcmpl-AbC123",
    object: "chat.completion",
    created: 1780000000,
    model: "gpt-4o-mini-2024-07-18",
    system_fingerprint: "fp_0123456789",
    choices: [
      { index: 0, message: { role: "assistant", content, refusal: null }, logprobs: null, finish_reason: "stop" },
    ],
    usage: {
      ...usage,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

const ok =
  (content: string): Reply =>
  (_req, res) =>
    sendJson(res, 200, completion(content));
const status =
  (code: number, type = "server_error"): Reply =>
  (_req, res) =>
    sendJson(res, code, openAiError(`status ${code}`, type));

const INPUT = transcript(PRIYA_AND_RAVI, [
  ["spk_2", "Hi Priya. Email me at ravi.kumar@acme.com or ring +91 98765 43210 after six."],
  ["spk_1", "Sure. I'll send you the revised proposal by Friday, it's $12,000 in total."],
]);

const VALID_ANSWER = {
  schemaVersion: 3,
  callType: "sales",
  oneLineSummary: "Proposal follow-up.",
  actionItems: [
    {
      title: "Send the revised proposal",
      ownerSpeakerId: "spk_1",
      dueDate: "2026-05-29",
      priority: "medium",
      intent: "email",
      sourceSegmentIds: ["seg_0002", "seg_9999"],
      intentMetadata: { toEmail: "ravi@invented.example", toName: "Ravi" },
    },
  ],
  keyDiscussionPoints: [
    { text: "Total is $12,000.", phase: "middle", importance: "high", sourceSegmentIds: ["seg_0002", "made-up"] },
  ],
  modelExtra: "kept",
};

function analyzer(timeoutMs = 5_000) {
  return createLlmAnalyzer({ baseURL, apiKey: "sk-test-key", model: "gpt-4o-mini", timeoutMs });
}

async function failure(promise: Promise<unknown>): Promise<AnalysisError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AnalysisError);
  return error as AnalysisError;
}

describe("LLM analyser against an OpenAI-compatible server", () => {
  it("sends a structured-output request without emails or phone numbers, and grounds the answer", async () => {
    replies.push(ok(JSON.stringify(VALID_ANSWER)));
    const outcome = await analyzer().analyze(INPUT);

    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.path).toBe("/v1/chat/completions");
    expect(request.headers.authorization).toBe("Bearer sk-test-key");
    expect(request.body).toMatchObject({
      model: "gpt-4o-mini",
      temperature: 0.2,
      response_format: { type: "json_schema", json_schema: { name: "call_analysis_v3" } },
    });
    const schema = (
      request.body.response_format as { json_schema: { schema: { properties: Record<string, unknown> } } }
    ).json_schema.schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(["actionItems", "executiveSummaryBullets", "sentiment", "tone"]),
    );
    const sent = JSON.stringify(request.body.messages);
    expect(sent).not.toContain("ravi.kumar@acme.com");
    expect(sent).not.toMatch(/98765|43210/);
    expect(sent).not.toContain(INPUT.callId);
    expect(sent).toContain("[email]");
    expect(sent).toContain("seg_0002");
    expect(sent).toContain("spk_1");
    expect(sent).toContain("$12,000");

    expect(outcome.provider).toBe("llm");
    expect(outcome.model).toBe("gpt-4o-mini");
    expect(outcome.usage).toEqual({ promptTokens: 812, completionTokens: 240, totalTokens: 1052 });
    const item = outcome.document.actionItems![0]!;
    expect(item.sourceSegmentIds).toEqual(["seg_0002"]);
    expect(item.intentMetadata).toMatchObject({ toEmail: null, toName: "Ravi" });
    expect(outcome.document.keyDiscussionPoints![0]!.sourceSegmentIds).toEqual(["seg_0002"]);
    expect(outcome.document.modelExtra).toBe("kept");
    expect(outcome.document.schemaVersion).toBe(3);
  });

  it("sends pseudonymised names (PERSON_N, ORG_N) and maps the answer back before validation", async () => {
    const input = {
      ...transcript(
        [
          { id: "spk_1", name: "Priya Sharma", role: "USER" as const },
          { id: "spk_2", name: "Ravi Kumar", role: "CONTACT" as const },
        ],
        [
          ["spk_1", "Hi Ravi, Priya here from Globex."],
          ["spk_2", "Hello Priya. Mr. Kumar speaking, Acme Traders accounts. Send the contract to Sharma ji."],
        ],
      ),
      names: { people: ["Priya Sharma", "Ravi Kumar"], organizations: ["Acme Traders", "Globex"] },
    };
    const answer = {
      schemaVersion: 3,
      oneLineSummary: "PERSON_1 of ORG_2 follows up with PERSON_2 of ORG_1.",
      actionItems: [
        {
          title: "Send the contract to PERSON_1",
          ownerSpeakerId: "spk_2",
          priority: "medium",
          intent: "email",
          sourceSegmentIds: ["seg_0002"],
          intentMetadata: { toName: "PERSON_1" },
        },
      ],
    };
    replies.push(ok(JSON.stringify(answer)));
    const outcome = await analyzer().analyze(input);

    const sent = JSON.stringify(received[0]!.body.messages);
    for (const real of ["Priya", "Sharma", "Ravi", "Kumar", "Acme", "Globex"]) expect(sent).not.toContain(real);
    for (const placeholder of ["PERSON_1", "PERSON_2", "ORG_1", "ORG_2"]) expect(sent).toContain(placeholder);
    expect(sent).toContain("Hi PERSON_2, PERSON_1 here from ORG_2.");

    expect(outcome.document.oneLineSummary).toBe("Priya Sharma of Globex follows up with Ravi Kumar of Acme Traders.");
    const item = outcome.document.actionItems![0]!;
    expect(item.title).toBe("Send the contract to Priya Sharma");
    expect(item.intentMetadata).toMatchObject({ toName: "Priya Sharma" });
  });

  it("retries once after a 500 and adds up the tokens spent", async () => {
    replies.push(status(500), ok(JSON.stringify(VALID_ANSWER)));
    const outcome = await analyzer().analyze(INPUT);
    expect(received).toHaveLength(2);
    expect(outcome.document.callType).toBe("sales");
  });

  it("fails after two 5xx answers", async () => {
    replies.push(status(503), status(502));
    const error = await failure(analyzer().analyze(INPUT));
    expect(error).toMatchObject({ code: "llm_http_5xx", retryable: true });
    expect(received).toHaveLength(2);
  });

  it("fails hard on a 400 without retrying", async () => {
    replies.push(status(400, "invalid_request_error"), ok(JSON.stringify(VALID_ANSWER)));
    const error = await failure(analyzer().analyze(INPUT));
    expect(error).toMatchObject({ code: "llm_http_4xx", retryable: false });
    expect(error.message).not.toMatch(/ravi|98765/i);
    expect(received).toHaveLength(1);
  });

  it("retries after content that is not JSON, counting both answers' tokens", async () => {
    replies.push(ok("Sure! Here is the analysis: {"), ok(JSON.stringify(VALID_ANSWER)));
    const outcome = await analyzer().analyze(INPUT);
    expect(received).toHaveLength(2);
    expect(outcome.usage).toEqual({ promptTokens: 1624, completionTokens: 480, totalTokens: 2104 });
  });

  it("rejects content that does not match the schema, after one retry", async () => {
    const wrong = JSON.stringify({ callType: "Sales call", actionItems: [{ dueDate: "next Friday" }] });
    replies.push(ok(wrong), ok(wrong));
    const error = await failure(analyzer().analyze(INPUT));
    expect(error).toMatchObject({ code: "llm_invalid_response", retryable: true });
    expect(received).toHaveLength(2);
  });

  it("retries when the connection is closed without an answer", async () => {
    replies.push((req) => req.socket.destroy(), ok(JSON.stringify(VALID_ANSWER)));
    const outcome = await analyzer().analyze(INPUT);
    expect(received).toHaveLength(2);
    expect(outcome.document.oneLineSummary).toBe("Proposal follow-up.");
  });

  it("reports llm_unavailable when the connection is closed twice", async () => {
    replies.push(
      (req) => req.socket.destroy(),
      (req) => req.socket.destroy(),
    );
    const error = await failure(analyzer().analyze(INPUT));
    expect(error).toMatchObject({ code: "llm_unavailable", retryable: true });
    expect(received).toHaveLength(2);
  });

  it("times out each attempt and gives up after the retry", async () => {
    const never: Reply = () => {};
    replies.push(never, never);
    const started = Date.now();
    const error = await failure(analyzer(300).analyze(INPUT));
    expect(error).toMatchObject({ code: "llm_timeout", retryable: true });
    expect(received).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("stops at once when the caller aborts", async () => {
    replies.push(() => {});
    const controller = new AbortController();
    const pending = analyzer().analyze(INPUT, { signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    const error = await failure(pending);
    expect(error.code).toBe("llm_aborted");
    expect(received).toHaveLength(1);
  });
});
