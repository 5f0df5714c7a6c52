import { type ApiDeps, createCaller, type ExportedDocument, errors, type Principal } from "@scryon/api";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export interface ExportsPluginOptions {
  deps: ApiDeps;
  authenticate: (request: FastifyRequest) => Promise<Principal>;
  /** The served OpenAPI document; the export formats are described in it here. */
  document: object;
}

const TRANSCRIPT_FORMATS = ["json", "srt", "vtt", "text"] as const;
type TranscriptFormat = (typeof TRANSCRIPT_FORMATS)[number];
const DIGEST_FORMATS = ["markdown", "text"] as const;
type DigestFormat = (typeof DIGEST_FORMATS)[number];

/** Media types a client may ask for in Accept, per format. */
const TRANSCRIPT_ACCEPT: Array<[string, TranscriptFormat]> = [
  ["application/x-subrip", "srt"],
  ["text/vtt", "vtt"],
];
const DIGEST_ACCEPT: Array<[string, DigestFormat]> = [
  ["text/markdown", "markdown"],
  ["text/plain", "text"],
];

function queryFormat<F extends string>(request: FastifyRequest, allowed: readonly F[]): F | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.format;
  if (value === undefined) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as F;
  throw errors.validation("Unknown export format", {
    fields: [{ path: "format", message: `one of ${allowed.join(", ")}` }],
  });
}

/** The first Accept media type (in the client's order) that maps to a format. */
function acceptedFormat<F extends string>(request: FastifyRequest, table: Array<[string, F]>): F | undefined {
  const accept = request.headers.accept ?? "";
  for (const part of accept.split(",")) {
    const type = part.split(";")[0]?.trim().toLowerCase();
    const match = table.find(([mediaType]) => mediaType === type);
    if (match) return match[1];
  }
  return undefined;
}

function sendExport(reply: FastifyReply, exported: ExportedDocument) {
  return reply
    .header("content-type", exported.contentType)
    .header("content-disposition", `inline; filename="${exported.fileName}"`)
    .header("cache-control", "private, no-store")
    .send(exported.content);
}

/**
 * Transcript and digest exports in their own media types. The generated REST
 * routes always answer JSON, so these two paths are served here, through the same
 * procedures (createCaller), instead of theirs:
 * `/api/calls/{id}/transcript` answers the JSON document unless SubRip, WebVTT or
 * text is asked for (`?format=` wins over `Accept`); `/api/calls/{id}/digest`
 * answers Markdown or plain text. Errors take the usual path to the documented error shape.
 */
/** The REST operations this plugin answers instead of the generated routes. */
export const EXPORT_OPERATIONS = ["GET /calls/{id}/transcript", "GET /calls/{id}/digest"] as const;

export async function exportsPlugin(app: FastifyInstance, options: ExportsPluginOptions) {
  const { deps, authenticate } = options;
  const callerFor = (request: FastifyRequest) =>
    createCaller({ deps, authenticate: () => authenticate(request), idempotencyKey: null });

  app.get<{ Params: { id: string } }>("/api/calls/:id/transcript", async (request, reply) => {
    const format = queryFormat(request, TRANSCRIPT_FORMATS) ?? acceptedFormat(request, TRANSCRIPT_ACCEPT) ?? "json";
    void reply.header("vary", "accept");
    const caller = callerFor(request);
    if (format === "json") return reply.send(await caller.calls.transcript({ id: request.params.id }));
    return sendExport(reply, await caller.calls.transcriptExport({ id: request.params.id, format }));
  });

  app.get<{ Params: { id: string } }>("/api/calls/:id/digest", async (request, reply) => {
    const format = queryFormat(request, DIGEST_FORMATS) ?? acceptedFormat(request, DIGEST_ACCEPT) ?? "markdown";
    void reply.header("vary", "accept");
    return sendExport(reply, await callerFor(request).calls.digest({ id: request.params.id, format }));
  });

  describeExports(options.document);
}

type Operation = {
  parameters?: Array<Record<string, unknown>>;
  responses?: Record<string, { description?: string; content?: Record<string, unknown> }>;
  description?: string;
};

/** Adds the non-JSON answers (and the transcript's `format` parameter) to the generated document. */
function describeExports(document: object) {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  const text = { schema: { type: "string" } };

  const transcript = paths["/calls/{id}/transcript"]?.get;
  if (transcript) {
    transcript.description =
      "The JSON transcript document (schema v2) by default. `?format=srt` or `Accept: application/x-subrip` answers SubRip, `?format=vtt` or `Accept: text/vtt` WebVTT, `?format=text` plain text; `format` wins over `Accept`.";
    transcript.parameters = [
      ...(transcript.parameters ?? []).filter((parameter) => parameter.name !== "format"),
      {
        name: "format",
        in: "query",
        required: false,
        schema: { type: "string", enum: [...TRANSCRIPT_FORMATS], default: "json" },
      },
    ];
    const ok = transcript.responses?.["200"];
    if (ok) ok.content = { ...ok.content, "application/x-subrip": text, "text/vtt": text, "text/plain": text };
  }

  const digest = paths["/calls/{id}/digest"]?.get;
  const ok = digest?.responses?.["200"];
  if (ok) ok.content = { "text/markdown": text, "text/plain": text };
}
