import fs from "node:fs/promises";
import { afterAll, expect, it } from "vitest";
import { listAllCalls, statuses, upload, waitAllTerminal } from "./support/client";
import { type FakeOpenAi, FIXTURE_CALLS, fixtureRecording, startFakeOpenAi } from "./support/fake-openai";
import { profile, sleep } from "./support/profile";
import { makeDataDir, type ServerProcess, startServerProcess } from "./support/server";

/** The upload route allows 60 a minute per client address; each simulated client stays under it. */
const UPLOADS_PER_ADDRESS = 50;
const POLLERS = 8;
const MB = 1024 * 1024;

let dataDir: string;
let fake: FakeOpenAi;
let server: ServerProcess | undefined;

afterAll(async () => {
  await server?.kill9();
  await fake?.close();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

it(`${profile.loadUploads} concurrent uploads plus ${profile.loadPollSeconds} s of status polling: no 5xx, no lost call, bounded memory`, async () => {
  dataDir = await makeDataDir("load");
  fake = await startFakeOpenAi({ delayMs: [20, 300] });
  server = await startServerProcess({
    SCRYON_DATA_DIR: dataDir,
    TRANSCRIPTION_BASE_URL: fake.baseURL,
    TRANSCRIPTION_API_KEY: "sk-reliability",
  });
  const rss: number[] = [await server.rssBytes()];
  const sampler = setInterval(
    () =>
      void server!.rssBytes().then(
        (bytes) => rss.push(bytes),
        () => undefined,
      ),
    250,
  );

  const answers = new Map<number, number>();
  const count = (status: number) => answers.set(status, (answers.get(status) ?? 0) + 1);
  const accepted: string[] = [];
  const started = performance.now();
  const uploads = Promise.all(
    Array.from({ length: profile.loadUploads }, async (_, i) => {
      const answer = await upload(server!.url, fixtureRecording(FIXTURE_CALLS[i % FIXTURE_CALLS.length]!), {
        metadata: { title: `load ${i}`, direction: "INCOMING" },
        localAddress: `127.0.0.${2 + Math.floor(i / UPLOADS_PER_ADDRESS)}`,
      });
      count(answer.status);
      if (answer.status === 202) accepted.push(answer.body.callId);
      return answer;
    }),
  ).then((all) => {
    uploadSeconds = (performance.now() - started) / 1000;
    return all;
  });
  let uploadSeconds = 0;

  // Clients poll the ids they know, as the README asks (bulk status), and refresh the list.
  let polls = 0;
  const pollLatencies: number[] = [];
  const pollUntil = Date.now() + profile.loadPollSeconds * 1000;
  const pollers = Array.from({ length: POLLERS }, async (_, p) => {
    while (Date.now() < pollUntil) {
      const ids = accepted.slice(0, 100);
      const t0 = performance.now();
      const response =
        p % 4 === 0 || ids.length === 0
          ? await fetch(`${server!.url}/api/calls?limit=50`)
          : await fetch(`${server!.url}/api/calls/status?ids=${ids.join(",")}`);
      await response.arrayBuffer();
      pollLatencies.push(performance.now() - t0);
      count(response.status);
      polls++;
      await sleep(100);
    }
  });
  const uploaded = await uploads;
  await Promise.all(pollers);
  const refused = uploaded.filter((a) => a.status !== 202);
  expect(refused.map((a) => ({ status: a.status, body: a.body })).slice(0, 3)).toEqual([]);

  const drainStarted = performance.now();
  const final = await waitAllTerminal(server.url, accepted, profile.name === "short" ? 150_000 : 600_000);
  const drainSeconds = (performance.now() - drainStarted) / 1000;
  clearInterval(sampler);
  rss.push(await server.rssBytes());

  const fiveHundreds = [...answers].filter(([status]) => status >= 500);
  expect(fiveHundreds).toEqual([]);
  expect(accepted).toHaveLength(profile.loadUploads);
  expect([...final.values()].filter((s) => s !== "COMPLETED")).toEqual([]);
  const listed = new Set((await listAllCalls(server.url)).map((c) => c.callId));
  expect(accepted.filter((id) => !listed.has(id))).toEqual([]);
  expect((await statuses(server.url, accepted)).size).toBe(accepted.length);

  const [baseline, peak, end] = [rss[0]!, Math.max(...rss), rss.at(-1)!];
  // Generous: the whole upload set is ~11 MB per 50 calls; the server must not hold it, let alone grow without bound.
  expect(peak - baseline).toBeLessThan(400 * MB);
  expect(end - baseline).toBeLessThan(250 * MB);
  expect(await server.stop()).toBe(0);

  pollLatencies.sort((a, b) => a - b);
  const pct = (q: number) =>
    pollLatencies[Math.min(pollLatencies.length - 1, Math.floor(q * pollLatencies.length))]!.toFixed(1);
  console.log(
    [
      `load (${profile.name}): ${profile.loadUploads} concurrent uploads in ${uploadSeconds.toFixed(1)} s, all 202; ${polls} polls over ${profile.loadPollSeconds} s (p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms)`,
      `  answers by status: ${JSON.stringify(Object.fromEntries(answers))}; every call COMPLETED and listed; drain after polling ${drainSeconds.toFixed(1)} s`,
      `  server RSS: start ${(baseline / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB (+${((peak - baseline) / MB).toFixed(0)}), end ${(end / MB).toFixed(0)} MB (+${((end - baseline) / MB).toFixed(0)})`,
    ].join("\n"),
  );
});
