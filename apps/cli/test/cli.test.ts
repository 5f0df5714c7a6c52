import { spawn } from "node:child_process";
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
import { BIN, scryon } from "./scryon";

const AUDIO_FILES = ["liar.mp3", "stereo-two-party.wav", "tone.aac", "tone.m4a", "tone.mp3", "tone.ogg", "tone.wav"];

let transcription: Awaited<ReturnType<typeof startFakeTranscriptionServer>>;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  transcription = await startFakeTranscriptionServer();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-cli-"));
  env = { TRANSCRIPTION_BASE_URL: transcription.baseURL, TRANSCRIPTION_API_KEY: "k", SCRYON_DATA_DIR: dataDir };
});

afterAll(async () => {
  await transcription?.close();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe("scryon analyze", () => {
  it("runs every recording of two folders through the pipeline in-process, reports JSON and exits 1 for the one non-audio file", async () => {
    const run = await scryon(
      [
        "analyze",
        fixture("audio"),
        fixture("calls", "sales-follow-up"),
        "--wait",
        "--json",
        "--contact",
        "Ravi Kumar",
        "--direction",
        "outgoing",
      ],
      env,
    );
    expect(run.stderr).toBe("");
    const output = JSON.parse(run.stdout) as {
      results: Array<{ file: string; callId: string; status: string; errorReason: string | null }>;
      summary: Record<string, number>;
    };
    // liar.mp3 is text named .mp3: refused from its bytes, so the run exits 1; every real recording completes.
    expect(output.results.filter((result) => result.status !== "COMPLETED")).toEqual([
      { file: fixture("audio", "liar.mp3"), callId: null, status: "REJECTED", errorReason: "unsupported_media_type" },
    ]);
    expect(run.code).toBe(1);
    const salesFiles = (await fs.readdir(fixture("calls", "sales-follow-up"))).filter((name) =>
      /\.(m4a|mp3|wav|aac|ogg)$/.test(name),
    );
    expect(output.results.map((result) => path.basename(result.file))).toEqual([...AUDIO_FILES, ...salesFiles.sort()]);
    expect(output.summary).toMatchObject({
      total: output.results.length,
      completed: output.results.length - 1,
      failed: 0,
      rejected: 1,
    });
    // Every call really went through the transcription provider.
    expect(transcription.received.length).toBeGreaterThanOrEqual(output.results.length - 1);

    // The same data dir is readable with `calls`, in-process.
    const callId = output.results.find((result) => result.file.endsWith("tone.wav"))!.callId;
    const list = await scryon(["calls", "list", "--json", "--all", "--limit", "5"], env);
    expect(list.code).toBe(0);
    expect(
      (JSON.parse(list.stdout) as { items: Array<{ callId: string }> }).items.map((item) => item.callId).sort(),
    ).toEqual(output.results.flatMap((result) => (result.callId ? [result.callId] : [])).sort());

    const show = await scryon(["calls", "show", callId, "--json"], env);
    expect(JSON.parse(show.stdout)).toMatchObject({
      callId,
      status: "COMPLETED",
      contactName: "Ravi Kumar",
      direction: "OUTGOING",
    });

    const srt = await scryon(["calls", "transcript", callId, "--format", "srt"], env);
    expect(srt.code).toBe(0);
    expect(srt.stdout).toMatch(
      /^1\n00:00:00,500 --> 00:00:03,590\n.+: Hello, this is a short test recording for Scryon\.\n/,
    );

    const digest = await scryon(["calls", "analysis", callId, "--format", "markdown"], env);
    expect(digest.code).toBe(0);
    expect(digest.stdout).toContain("**Summary**");

    const deleted = await scryon(["calls", "delete", callId], env);
    expect(deleted).toMatchObject({ code: 0, stdout: `Deleted ${callId}\n` });
    const gone = await scryon(["calls", "show", callId], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("call_not_found");
  }, 300_000);

  it("exits 0 when every call completes", async () => {
    const run = await scryon(["analyze", fixture("audio", "tone.ogg"), "--wait"], {
      ...env,
      SCRYON_DATA_DIR: path.join(dataDir, "ok"),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^COMPLETED\s+[0-9a-f-]{36}\s+.*tone\.ogg\n$/);
  }, 60_000);

  it("without --wait only queues the calls and prints one line per file", async () => {
    const run = await scryon(["analyze", fixture("audio", "tone.mp3"), "--title", "Queued only"], {
      ...env,
      SCRYON_DATA_DIR: path.join(dataDir, "queued"),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^QUEUED\s+[0-9a-f-]{36}\s+.*tone\.mp3\n$/);
    expect(run.stderr).toContain("tone.mp3: QUEUED");
  }, 60_000);

  it("exits 1 when the transcription provider refuses, with the reason per call", async () => {
    transcription.answerWith(async () => ({
      status: 401,
      body: {
        error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" },
      },
    }));
    try {
      const run = await scryon(["analyze", fixture("audio", "tone.wav"), "--wait", "--json"], {
        ...env,
        SCRYON_DATA_DIR: path.join(dataDir, "failing"),
      });
      expect(run.code).toBe(1);
      const output = JSON.parse(run.stdout) as { results: Array<{ status: string; errorReason: string }> };
      expect(output.results).toEqual([
        expect.objectContaining({ status: "FAILED", errorReason: "transcription_auth_failed" }),
      ]);
    } finally {
      transcription.answerWith(async () => ({
        status: 200,
        body: JSON.parse(await fs.readFile(fixture("audio", "sample.verbose.json"), "utf8")),
      }));
    }
  }, 120_000);

  it.each([
    ["no paths", ["analyze"]],
    ["a missing file", ["analyze", "/nonexistent/call.m4a"]],
    [
      "a folder without audio",
      ["analyze", fixture("calls", "sales-follow-up", "..", "..", "..", "packages", "config")],
    ],
    ["a bad direction", ["analyze", "--direction", "sideways", fixture("audio", "tone.wav")]],
    ["an unknown command", ["analyse"]],
    ["an unknown option", ["calls", "list", "--colour"]],
    ["a bad limit", ["calls", "list", "--limit", "0"]],
  ])(
    "exits 2 on %s",
    async (_name, args) => {
      const run = await scryon(args, env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).not.toBe("");
    },
    60_000,
  );

  it.each([
    ["an invalid variable", { MAX_FILE_SIZE: "lots" }, "MAX_FILE_SIZE"],
    ["no transcription provider", { TRANSCRIPTION_BASE_URL: "" }, "TRANSCRIPTION_BASE_URL"],
  ])(
    "exits 3 on %s",
    async (_name, extra, mentioned) => {
      const run = await scryon(["analyze", fixture("audio", "tone.wav"), "--wait"], { ...env, ...extra });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(mentioned);
    },
    60_000,
  );

  it("sends --language and --vocabulary (repeatable, comma lists) as the calls' transcription hints", async () => {
    const hinted = { ...env, SCRYON_DATA_DIR: path.join(dataDir, "hints") };
    const run = await scryon(
      [
        "analyze",
        fixture("audio", "tone.wav"),
        "--json",
        "--language",
        "pt-br",
        "--vocabulary",
        "Scryon, Ravi Kumar",
        "--vocabulary",
        "Priya",
      ],
      hinted,
    );
    expect(run.code).toBe(0);
    const [result] = (JSON.parse(run.stdout) as { results: Array<{ callId: string }> }).results;
    const show = await scryon(["calls", "show", result!.callId, "--json"], hinted);
    expect(JSON.parse(show.stdout)).toMatchObject({ language: "pt-BR", vocabulary: ["Scryon", "Ravi Kumar", "Priya"] });

    const bad = await scryon(["analyze", fixture("audio", "tone.wav"), "--language", "english"], hinted);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--language");
    const help = await scryon(["analyze", "--help"]);
    expect(help.stdout).toMatch(/--language <tag>[\s\S]*--vocabulary <terms>/);
  }, 60_000);

  it("documents the exit codes in --help", async () => {
    const run = await scryon(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Exit codes:\n\s+0 .*\n[\s\S]*\s+1 [\s\S]*\s+2 +usage error[\s\S]*\s+3 +configuration error/,
    );
  });
});

describe("scryon calls --url (a remote server over the typed tRPC client)", () => {
  let server: TestServer;
  let callId: string;
  const headers = { "x-scryon-api-key": "cli-secret" };

  beforeAll(async () => {
    server = await startTestServer({
      TRANSCRIPTION_BASE_URL: transcription.baseURL,
      TRANSCRIPTION_API_KEY: "k",
      SCRYON_API_KEY: "cli-secret",
    });
    const upload = await uploadFile(server.url, fixture("audio", "tone.m4a"), {
      metadata: { title: "Remote call", contactName: "Asha" },
      headers,
    });
    callId = upload.body.callId as string;
    expect(await waitForTerminal(server.url, callId, headers, 60_000)).toBe("COMPLETED");
  }, 120_000);
  afterAll(async () => server?.close());

  it("lists, shows, exports and deletes through the server", async () => {
    const remote = ["--url", server.url, "--api-key", "cli-secret"];
    const list = await scryon(["calls", "list", ...remote, "--json"]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).items).toEqual([
      expect.objectContaining({ callId, title: "Remote call", status: "COMPLETED" }),
    ]);

    // `scryon calls list | head -0`: the reader is gone before the CLI writes a byte.
    const closedPipe = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, "calls", "list", ...remote], {
        env: { PATH: process.env.PATH ?? "", HOME: os.tmpdir() },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code) => resolve({ code, stderr }));
    });
    expect(closedPipe).toEqual({ code: 0, stderr: "" });

    const vtt = await scryon(["calls", "transcript", callId, "--format", "vtt", ...remote]);
    expect(vtt.code).toBe(0);
    expect(vtt.stdout).toMatch(
      /^WEBVTT\n\nseg-1\n00:00:00\.\d{3} --> 00:00:0\d\.\d{3}\n<v [^>]+>Hello, this is a short test recording for Scryon\.\n/,
    );

    const text = await scryon(["calls", "show", callId, ...remote]);
    expect(text.stdout).toMatch(/^callId\s+[0-9a-f-]{36}\n/);
    expect(text.stdout).toContain("Remote call");

    const deleted = await scryon(["calls", "delete", callId, ...remote]);
    expect(deleted.code).toBe(0);
    const again = await scryon(["calls", "show", callId, ...remote]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("call_not_found");
  }, 240_000);

  it("exits 3 when the server refuses the credentials, 1 when it cannot be reached", async () => {
    const refused = await scryon(["calls", "list", "--url", server.url, "--api-key", "wrong"]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain("auth_invalid");
    const viaEnv = await scryon(["calls", "list", "--json"], {
      SCRYON_URL: server.url,
      SCRYON_CLIENT_API_KEY: "cli-secret",
    });
    expect(viaEnv.code).toBe(0);

    const unreachable = await scryon(["calls", "list", "--url", "http://127.0.0.1:9"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain("server_unreachable");
  }, 120_000);
});
