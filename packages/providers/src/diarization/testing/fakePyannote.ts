import { createHash, randomUUID } from "node:crypto";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { SpeakerTurn } from "../../types";

/**
 * Test-only: a small real HTTP server speaking the pyannoteAI protocol —
 * `POST /v1/media/input` → presigned PUT URL, the PUT itself (standing in for
 * the object store), `POST /v1/diarize` → job, `GET /v1/jobs/{id}` walking
 * pending → running → final status.
 */
export interface FakePyannoteOptions {
  apiKey: string;
  /** Statuses a job reports on successive polls; the last one sticks. */
  jobStatuses?: string[];
  output?: { diarization?: SpeakerTurn[]; exclusiveDiarization?: SpeakerTurn[] } | Record<string, unknown>;
  /** Per route ("POST /v1/media/input", "PUT /upload", "POST /v1/diarize", "GET /v1/jobs"): statuses answered before the real handler. */
  failFirst?: Partial<Record<Route, number[]>>;
}

type Route = "POST /v1/media/input" | "PUT /upload" | "POST /v1/diarize" | "GET /v1/jobs";

interface ReceivedCall {
  route: Route | "UNKNOWN";
  authorization: string | undefined;
  contentLength: string | undefined;
  body: Buffer;
}

export interface FakePyannote {
  baseURL: string;
  calls: ReceivedCall[];
  /** sha256 of each upload the store accepted, by media:// url. */
  uploads: Map<string, { sha256: string; bytes: number }>;
  diarizeBodies: Array<Record<string, unknown>>;
  callsTo(route: Route): ReceivedCall[];
  close(): Promise<void>;
}

const MEDIA_URL = /^media:\/\/[a-zA-Z0-9\-_./]+$/;

function routeOf(method: string | undefined, path: string): Route | "UNKNOWN" {
  if (method === "POST" && path === "/v1/media/input") return "POST /v1/media/input";
  if (method === "PUT" && path.startsWith("/upload/")) return "PUT /upload";
  if (method === "POST" && path === "/v1/diarize") return "POST /v1/diarize";
  if (method === "GET" && path.startsWith("/v1/jobs/")) return "GET /v1/jobs";
  return "UNKNOWN";
}

function send(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startFakePyannote(options: FakePyannoteOptions): Promise<FakePyannote> {
  const calls: ReceivedCall[] = [];
  const uploads = new Map<string, { sha256: string; bytes: number }>();
  const diarizeBodies: Array<Record<string, unknown>> = [];
  const pendingUploads = new Map<string, string>(); // upload token → media url
  const jobs = new Map<string, { polls: number }>();
  const failFirst = new Map(Object.entries(options.failFirst ?? {}).map(([route, statuses]) => [route, [...statuses]]));
  const jobStatuses = options.jobStatuses ?? ["pending", "running", "succeeded"];
  let baseURL = "";

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", baseURL);
    const route = routeOf(req.method, url.pathname);
    calls.push({ route, authorization: req.headers.authorization, contentLength: req.headers["content-length"], body });

    const injected = route === "UNKNOWN" ? undefined : failFirst.get(route)?.shift();
    if (injected !== undefined) return send(res, injected, { message: "injected failure" });

    if (route === "PUT /upload") {
      // The object store authenticates by the presigned URL, never by the API key.
      const mediaUrl = pendingUploads.get(url.pathname.slice("/upload/".length));
      if (!mediaUrl || !url.searchParams.get("X-Amz-Signature")) return send(res, 403);
      if (req.headers["content-length"] === undefined) return send(res, 411);
      uploads.set(mediaUrl, { sha256: createHash("sha256").update(body).digest("hex"), bytes: body.length });
      return send(res, 200);
    }
    if (req.headers.authorization !== `Bearer ${options.apiKey}`) return send(res, 401, { message: "Unauthorized" });

    if (route === "POST /v1/media/input") {
      const input = JSON.parse(body.toString("utf8")) as { url?: unknown };
      if (typeof input.url !== "string" || !MEDIA_URL.test(input.url))
        return send(res, 400, { message: "invalid url" });
      const token = randomUUID();
      pendingUploads.set(token, input.url);
      return send(res, 201, { url: `${baseURL}/upload/${token}?X-Amz-Expires=3600&X-Amz-Signature=abc123` });
    }
    if (route === "POST /v1/diarize") {
      const input = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      diarizeBodies.push(input);
      if (typeof input.url !== "string" || !uploads.has(input.url))
        return send(res, 400, { message: "media not found" });
      const jobId = randomUUID();
      jobs.set(jobId, { polls: 0 });
      return send(res, 200, { jobId, status: "created" });
    }
    if (route === "GET /v1/jobs") {
      const jobId = url.pathname.slice("/v1/jobs/".length);
      const job = jobs.get(jobId);
      if (!job) return send(res, 404, { message: "job not found" });
      const status = jobStatuses[Math.min(job.polls, jobStatuses.length - 1)] ?? "succeeded";
      job.polls += 1;
      const answer: Record<string, unknown> = {
        jobId,
        status,
        createdAt: "2026-01-01T00:00:00Z",
        updatedAt: "2026-01-01T00:00:05Z",
      };
      if (status === "succeeded") answer.output = options.output ?? { diarization: [] };
      if (status === "failed") answer.output = { error: "Audio could not be processed" };
      return send(res, 200, answer);
    }
    send(res, 404, { message: "not found" });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => send(res, 500, { message: "fake server error" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    baseURL,
    calls,
    uploads,
    diarizeBodies,
    callsTo: (route) => calls.filter((call) => call.route === route),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
