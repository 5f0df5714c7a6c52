/**
 * Installed for the HTTP integration suite (both modes): every `fetch` a test makes
 * to `/api/*` is checked against the OpenAPI document the same server serves, and
 * any mismatch fails that test. Tests that send raw bytes over node:http call
 * `expectDocumented` themselves.
 */
import { afterEach } from "vitest";
import { createOpenApiOracle, type ObservedResponse } from "./openapi-oracle";

const originalFetch = globalThis.fetch;
const oracles = new Map<string, Promise<ReturnType<typeof createOpenApiOracle>>>();
const problems: string[] = [];
let checked = 0;

function oracleFor(origin: string) {
  let oracle = oracles.get(origin);
  if (!oracle) {
    oracle = originalFetch(`${origin}/api/openapi.json`)
      .then((response) => response.json())
      .then((document) => createOpenApiOracle(document as never));
    oracles.set(origin, oracle);
  }
  return oracle;
}

/** Checks one response against the document its server serves; mismatches fail the current test. */
export async function expectDocumented(observed: ObservedResponse): Promise<void> {
  const oracle = await oracleFor(new URL(observed.url).origin);
  checked++;
  problems.push(...oracle.check(observed));
}

function isApiCall(url: URL) {
  return url.pathname.startsWith("/api/") && url.pathname !== "/api/openapi.json";
}

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
  const response = await originalFetch(input, init);
  const url = new URL(input instanceof Request ? input.url : String(input));
  const contentType = response.headers.get("content-type");
  // A live event stream never ends; its frames are tRPC's, not the REST document's.
  if (isApiCall(url) && !contentType?.startsWith("text/event-stream")) {
    const method = init?.method ?? (input instanceof Request ? input.method : "GET");
    // CORS preflights belong to the browser's protocol, not to an API operation.
    if (method.toUpperCase() === "OPTIONS") return response;
    const body = method.toUpperCase() === "HEAD" ? "" : await response.clone().text();
    await expectDocumented({ method, url: url.href, status: response.status, contentType, body });
  }
  return response;
};

afterEach(() => {
  if (problems.length === 0) return;
  const found = problems.splice(0);
  throw new Error(`Responses that the served OpenAPI document does not describe:\n${found.join("\n")}`);
});

/** How many responses the oracle has checked in this file (for a test that wants to see it ran). */
export const oracleCheckedCount = () => checked;
