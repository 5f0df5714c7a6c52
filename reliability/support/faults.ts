import type { IncomingMessage, ServerResponse } from "node:http";

/** What a provider does instead of answering properly. */
export type Fault = "http_500" | "timeout" | "connection_closed" | "invalid_json" | "huge_body";

const HUGE_BODY_BYTES = 50 * 1024 * 1024;

/**
 * A 50 MB JSON body that parses but is no provider's answer: the client has to
 * read it all (memory) and then reject its shape.
 */
let hugeBody: Buffer | undefined;
const huge = () =>
  (hugeBody ??= Buffer.concat([Buffer.from('{"padding":"'), Buffer.alloc(HUGE_BODY_BYTES, "x"), Buffer.from('"}')]));

/** Requests parked by the `timeout` fault; released (destroyed) when the fake closes. */
export class HeldRequests {
  private readonly held = new Set<ServerResponse>();
  hold(res: ServerResponse) {
    this.held.add(res);
    res.once("close", () => this.held.delete(res));
  }
  releaseAll() {
    for (const res of this.held) res.destroy();
    this.held.clear();
  }
}

/**
 * Answers `res` the way a broken provider would. `status 500` carries the
 * OpenAI-style error body real servers send.
 */
export function answerWithFault(fault: Fault, req: IncomingMessage, res: ServerResponse, held: HeldRequests): void {
  switch (fault) {
    case "http_500":
      res.writeHead(500, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: {
            message: "The server had an error while processing your request.",
            type: "server_error",
            param: null,
            code: null,
          },
        }),
      );
      return;
    case "timeout":
      held.hold(res);
      return;
    case "connection_closed":
      req.socket.destroy();
      return;
    case "invalid_json":
      res.writeHead(200, { "content-type": "application/json" });
      res.end('{"text": "hello", "words": [');
      return;
    case "huge_body": {
      const body = huge();
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.end(body);
      return;
    }
  }
}

/** Reads a request body whole (the fakes' requests are small audio files and JSON). */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
