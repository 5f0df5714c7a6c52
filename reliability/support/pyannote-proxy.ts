import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type FakePyannote, startFakePyannote } from "@scryon/providers/testing";
import { answerWithFault, type Fault, HeldRequests, readBody } from "./faults";
import { fixture } from "./server";

export const PYANNOTE_API_KEY = "pyannote-reliability-key";

export interface FaultyPyannote {
  /** For PYANNOTE_BASE_URL. */
  baseURL: string;
  /** Injected on every pyannoteAI API request (media input, diarize, job polls); null forwards. */
  fault: Fault | null;
  upstream: FakePyannote;
  close(): Promise<void>;
}

/**
 * The pyannoteAI protocol fake (packages/providers), behind a small proxy that
 * can break every API answer the way a failing provider would.
 */
export async function startFaultyPyannote(): Promise<FaultyPyannote> {
  const scripted = JSON.parse(
    await fs.readFile(fixture("calls", "sales-follow-up", "diarization.pyannote.json"), "utf8"),
  );
  const upstream = await startFakePyannote({
    apiKey: PYANNOTE_API_KEY,
    jobStatuses: ["running", "succeeded"],
    output: scripted.output ?? scripted,
  });
  const held = new HeldRequests();
  const proxy = { baseURL: "", fault: null as Fault | null, upstream };
  const server = http.createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (proxy.fault) return answerWithFault(proxy.fault, req, res, held);
      const answer = await fetch(upstream.baseURL + req.url, {
        method: req.method!,
        headers: Object.fromEntries(
          Object.entries(req.headers).filter(([name]) => name === "authorization" || name === "content-type"),
        ) as Record<string, string>,
        ...(body.length > 0 && { body }),
      });
      res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.destroy();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  proxy.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(proxy, {
    async close() {
      held.releaseAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  });
}
