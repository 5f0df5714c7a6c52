import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  fixture,
  startFakeTranscriptionServer,
  startTestServer,
  type TestServer,
  uploadFile,
  waitForTerminal,
} from "@scryon/server/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scryon } from "./scryon";

/** `scryon search`: in-process against the local data dir, and against a server with --url. */
let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let dataDir: string;
let server: TestServer;
let remoteCall: string;
const headers = { "x-scryon-api-key": "cli-secret" };

beforeAll(async () => {
  // The fake provider's default answer: "Hello, this is a short test recording for Scryon."
  transcription = await startFakeTranscriptionServer();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-cli-search-"));
  server = await startTestServer({
    TRANSCRIPTION_BASE_URL: transcription.baseURL,
    TRANSCRIPTION_API_KEY: "k",
    SCRYON_API_KEY: "cli-secret",
  });
  const upload = await uploadFile(server.url, fixture("audio", "tone.m4a"), {
    metadata: { title: "Remote call" },
    headers,
  });
  remoteCall = upload.body.callId as string;
  expect(await waitForTerminal(server.url, remoteCall, headers, 60_000)).toBe("COMPLETED");
}, 120_000);
afterAll(async () => {
  await server?.close();
  await transcription?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("scryon search", () => {
  const remote = () => ["--url", server.url, "--api-key", "cli-secret"];

  it("prints each hit with its call, kind, moment and the matched words in brackets", async () => {
    const run = await scryon(["search", "record*", ...remote()]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${remoteCall}  transcript at 0:00  Remote call\n`);
    expect(run.stdout).toMatch(/\n {2}.*\[recording\] for Scryon/);

    const json = await scryon(["search", '"short test recording"', "--json", ...remote()]);
    expect(JSON.parse(json.stdout).items).toEqual([
      expect.objectContaining({ callId: remoteCall, kind: "transcript", segmentId: expect.any(String) }),
    ]);
    expect((await scryon(["search", "zyzzyva", ...remote()])).stdout).toBe("No matches.\n");
  });

  it("a query without words exits 1 with the server's code", async () => {
    const run = await scryon(["search", '"*"', ...remote()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("invalid_search_query");
  });

  it("searches the local data dir in-process", async () => {
    const env = { TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k", SCRYON_DATA_DIR: dataDir };
    const analyzed = await scryon(["analyze", fixture("audio", "tone.wav"), "--wait", "--json"], env);
    expect(analyzed.code).toBe(0);
    const [result] = JSON.parse(analyzed.stdout).results as Array<{ callId: string }>;
    const run = await scryon(["search", "scryon", "--json"], env);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).items.map((hit: { callId: string }) => hit.callId)).toContain(result!.callId);
  }, 120_000);
});
