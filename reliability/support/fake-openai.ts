import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { answerWithFault, type Fault, HeldRequests, readBody } from "./faults";
import { randomInt, sleep } from "./profile";
import { fixture } from "./server";

export const FIXTURE_CALLS = ["sales-follow-up", "support-call", "personal-call"] as const;
export type FixtureCall = (typeof FIXTURE_CALLS)[number];

export interface FakeOpenAi {
  /** `…/v1`, for TRANSCRIPTION_BASE_URL and LLM_BASE_URL. */
  baseURL: string;
  /** Injected fault per endpoint; null answers properly. */
  faults: { transcription: Fault | null; chat: Fault | null };
  /** Requests seen, per endpoint. */
  counts: { transcription: number; chat: number };
  close(): Promise<void>;
}

/**
 * A real HTTP server speaking OpenAI's `/audio/transcriptions` (multipart in,
 * `verbose_json` out) and `/chat/completions`. Transcriptions answer after a
 * random small delay with the scripted fixture whose recording was uploaded
 * (recognised by its size, as the original audio is sent when preprocessing is
 * off), so the offline analyser finds real action items.
 */
export async function startFakeOpenAi(
  options: { delayMs?: [number, number]; chatAnswer?: () => unknown } = {},
): Promise<FakeOpenAi> {
  const [minDelay, maxDelay] = options.delayMs ?? [20, 300];
  const answers = new Map<number, unknown>();
  const fallbackAnswers: unknown[] = [];
  for (const name of FIXTURE_CALLS) {
    const { size } = await fs.stat(fixture("calls", name, "call.m4a"));
    const answer = JSON.parse(await fs.readFile(fixture("calls", name, "transcription.verbose.json"), "utf8"));
    answers.set(size, answer);
    fallbackAnswers.push(answer);
  }
  const held = new HeldRequests();
  const fake = {
    baseURL: "",
    faults: { transcription: null as Fault | null, chat: null as Fault | null },
    counts: { transcription: 0, chat: 0 },
  };

  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

  const server = http.createServer(async (req, res) => {
    try {
      const url = req.url ?? "";
      if (req.method === "POST" && url.endsWith("/audio/transcriptions")) {
        fake.counts.transcription++;
        const request = new Request(`http://local${url}`, {
          method: "POST",
          headers: req.headers as Record<string, string>,
          body: await readBody(req),
        });
        const form = await request.formData();
        const file = form.get("file");
        if (!(file instanceof File) || form.get("response_format") !== "verbose_json")
          return json(res, 400, {
            error: {
              message: "file and response_format=verbose_json required",
              type: "invalid_request_error",
              param: null,
              code: null,
            },
          });
        const fault = fake.faults.transcription;
        if (fault) return answerWithFault(fault, req, res, held);
        await sleep(randomInt(minDelay, maxDelay));
        const answer = answers.get(file.size) ?? fallbackAnswers[randomInt(0, fallbackAnswers.length - 1)];
        return json(res, 200, answer);
      }
      if (req.method === "POST" && url.endsWith("/chat/completions")) {
        fake.counts.chat++;
        JSON.parse((await readBody(req)).toString("utf8"));
        const fault = fake.faults.chat;
        if (fault) return answerWithFault(fault, req, res, held);
        if (!options.chatAnswer)
          return json(res, 500, {
            error: { message: "no chat answer configured", type: "server_error", param: null, code: null },
          });
        return json(res, 200, {
          id: "chatcmpl-reliability",
          object: "chat.completion",
          created: Math.floor(Date.now() / 1000),
          model: "gpt-4o-mini-2024-07-18",
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: JSON.stringify(options.chatAnswer()), refusal: null },
              logprobs: null,
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 800, completion_tokens: 200, total_tokens: 1000 },
        });
      }
      json(res, 404, { error: { message: "not found", type: "invalid_request_error", param: null, code: null } });
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  fake.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  return Object.assign(fake, {
    async close() {
      held.releaseAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

export const fixtureRecording = (name: FixtureCall) => fixture("calls", name, "call.m4a");
