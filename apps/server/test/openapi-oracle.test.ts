import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./harness";
import { createOpenApiOracle } from "./openapi-oracle";

let server: TestServer;
let oracle: ReturnType<typeof createOpenApiOracle>;
const callId = "00000000-0000-4000-8000-000000000000";

beforeAll(async () => {
  server = await startTestServer();
  oracle = createOpenApiOracle((await (await fetch(`${server.url}/api/openapi.json`)).json()) as never);
});
afterAll(() => server?.close());

const json = "application/json; charset=utf-8";
const error = (code: string) => JSON.stringify({ error: { code, message: "m" } });

describe("the OpenAPI oracle", () => {
  it("passes responses the document describes", () => {
    const url = `${server.url}/api/calls/${callId}`;
    expect(oracle.check({ method: "GET", url, status: 404, contentType: json, body: error("call_not_found") })).toEqual(
      [],
    );
    expect(oracle.check({ method: "DELETE", url, status: 204, contentType: null, body: "" })).toEqual([]);
    expect(
      oracle.check({
        method: "GET",
        url: `${server.url}/api/health`,
        status: 200,
        contentType: json,
        body: JSON.stringify({
          status: "ok",
          version: "1",
          providers: { transcription: null, diarization: null, analysis: "offline" },
        }),
      }),
    ).toEqual([]);
  });

  it("reports an unlisted status, a wrong code, a body off the schema, a wrong content type and a 204 with a body", () => {
    const url = `${server.url}/api/calls/${callId}`;
    const check = (status: number, contentType: string | null, body: string, method = "GET") =>
      oracle.check({ method, url, status, contentType, body });
    expect(check(418, json, error("not_found"))).toEqual([expect.stringContaining("status not listed")]);
    expect(check(404, json, error("action_item_not_found"))).toEqual([expect.stringContaining("error code")]);
    expect(check(200, json, JSON.stringify({ callId: "not-a-uuid" }))).toEqual([
      expect.stringContaining("does not match the schema"),
    ]);
    expect(check(404, "text/html", "<p>no</p>")).toEqual([expect.stringContaining("content-type text/html")]);
    expect(check(204, json, "{}", "DELETE")).toHaveLength(2);
    expect(
      oracle.check({ method: "POST", url: `${server.url}/api/nowhere`, status: 200, contentType: json, body: "{}" }),
    ).toEqual([expect.stringContaining("no documented operation")]);
  });
});
