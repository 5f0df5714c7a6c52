import { buildAppRouter, buildOpenApiDocument } from "@scryon/api";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ZodType } from "zod";
import { documentedResponseSchema, procedureDef, servesStoreTypedOutput } from "../src/plugins/procedures";

/**
 * Store-typed answers (health, the status poll, the list) are written by
 * Fastify's compiled fast-json-stringify from the served document's response
 * schema instead of zod's output parse + JSON.stringify (apps/server/src/plugins/procedures.ts).
 * For representative answers the JSON must be what the old path wrote,
 * JSON.stringify of the zod-parsed value — nullables, absent optionals, strings
 * that need escaping (escaped as JSON.stringify escapes them), fractional
 * numbers, and unknown keys dropped as zod's strip drops them (the document says
 * `additionalProperties: false`). One difference is by design of
 * fast-json-stringify: an object's required members come before its optional
 * ones (JSON objects are unordered, RFC 8259 § 4), so members are compared by name.
 */
const router = buildAppRouter({ developerTools: false });
const document = buildOpenApiDocument(router, { version: "9.9.9", baseUrl: "/api" });
const app = Fastify({ logger: false });
let nextValue: unknown;

/** Each case's route: the documented schema of `operation`, serialising whatever `nextValue` holds. */
const operations = {
  "health.check": "/health",
  "calls.status": "/calls/status",
  "calls.list": "/calls",
} as const;

beforeAll(async () => {
  for (const [procedure, path] of Object.entries(operations)) {
    const schema = documentedResponseSchema(document, "GET", path, 200);
    if (!schema) throw new Error(`no documented 200 body for ${path}`);
    app.get(`/${procedure}`, { schema: { response: { 200: schema } } }, async () => nextValue);
  }
  await app.ready();
});
afterAll(() => app.close());

async function serialised(procedure: keyof typeof operations, value: unknown) {
  nextValue = value;
  const response = await app.inject({ method: "GET", url: `/${procedure}` });
  expect(response.statusCode).toBe(200);
  return response.body;
}

const outputSchema = (procedure: string) =>
  (router._def.procedures as unknown as Record<string, { _def: { output: ZodType } }>)[procedure]!._def.output;

/** JSON with every object's members in name order: equal texts mean equal JSON values. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, member: unknown) =>
    member && typeof member === "object" && !Array.isArray(member)
      ? Object.fromEntries(Object.entries(member).sort(([a], [b]) => (a < b ? -1 : 1)))
      : member,
  );

const callId = (n: number) => `0b7a3c1e-5f2d-4a6b-9c8d-${String(n).padStart(12, "0")}`;

const cases: Array<[keyof typeof operations, string, unknown]> = [
  [
    "health.check",
    "providers configured",
    {
      status: "ok",
      version: "1.2.3",
      providers: { transcription: "openai", diarization: "pyannote", analysis: "llm" },
    },
  ],
  [
    "health.check",
    "nullable providers as null",
    { status: "ok", version: "0.1.0", providers: { transcription: null, diarization: null, analysis: "offline" } },
  ],
  ["calls.status", "no items", { items: [] }],
  [
    "calls.status",
    "items, one carrying a key the schema does not name",
    {
      items: [
        { callId: callId(1), status: "QUEUED" },
        { callId: callId(2), status: "COMPLETED", userId: "not documented, not served" },
      ],
    },
  ],
  [
    "calls.list",
    "every field, a next cursor, text that needs escaping",
    {
      items: [
        {
          callId: callId(3),
          title: 'Quarterly "review" — naïve café ☕ </script>\n\ttab \u0001 \u2028',
          contactName: "Zoë \\ O'Brien",
          direction: "INCOMING",
          status: "COMPLETED",
          durationSeconds: 1234.5,
          createdAt: "2026-05-29T13:00:00Z",
          actionItemCount: 2,
          firstActionTitle: 'Send the "final" proposal',
        },
      ],
      nextCursor: "eyJ0IjoxNzAwMDAwMDAwMDAwLCJpIjoiYWJjIn0",
    },
  ],
  [
    "calls.list",
    "optionals absent, a null first action, an unknown key",
    {
      items: [
        {
          callId: callId(4),
          status: "QUEUED",
          createdAt: "2026-05-29T13:00:01Z",
          actionItemCount: 0,
          firstActionTitle: null,
          userId: "internal",
        },
        {
          callId: callId(5),
          title: "",
          status: "FAILED",
          durationSeconds: 0,
          createdAt: "1999-12-31T23:59:59Z",
          actionItemCount: 9007199254740991,
          firstActionTitle: "",
        },
      ],
    },
  ],
];

describe("compiled output serializer", () => {
  it("serves exactly the store-typed procedures through it", () => {
    const served = Object.keys(router._def.procedures).filter((path) =>
      servesStoreTypedOutput(procedureDef(router, path)),
    );
    expect(served.sort()).toEqual(Object.keys(operations).sort());
  });

  it.each(cases)("%s (%s) writes what zod + JSON.stringify wrote", async (procedure, _name, value) => {
    const body = await serialised(procedure, value);
    // Escaping, numbers and spacing exactly as JSON.stringify writes them...
    expect(body).toBe(JSON.stringify(JSON.parse(body)));
    // ...and the same members and values as the old path: zod's output parse, then JSON.stringify.
    expect(canonical(JSON.parse(body))).toBe(
      canonical(JSON.parse(JSON.stringify(outputSchema(procedure).parse(value)))),
    );
  });

  it("drops keys the document does not name, as zod's strip did", async () => {
    const body = await serialised("calls.status", {
      items: [{ callId: callId(6), status: "ANALYZING", secret: "x" }],
      internal: true,
    });
    expect(JSON.parse(body)).toEqual({ items: [{ callId: callId(6), status: "ANALYZING" }] });
  });
});
