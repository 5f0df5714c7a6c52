/**
 * Pipeline overhead with an instant transcription provider: upload to COMPLETED
 * minus the time the provider held the request, for a 5-minute and a 2-hour
 * transcript, with the per-word cost at both sizes (alignment and normalisation
 * must be linear, so the two per-word figures should match).
 *
 *   npx tsx bench/pipeline.ts [--scale 1]
 */
import { fixture, startTestServer, uploadFile } from "@scryon/server/testing";
import { waitForTerminalCall } from "./lib/calls";
import { startInstantTranscriber } from "./lib/instant-transcriber";
import { benchOptions, fixed, printTable, progress, ratio } from "./lib/report";

const SIZES = [
  { name: "5-minute call", words: 750 },
  { name: "2-hour call", words: 18_000 },
];
const RUNS_PER_SIZE = 2;
const LINEAR_STAGES = new Set(["TRANSCRIPT_ALIGNED", "TRANSCRIPT_NORMALIZED"]);

interface Run {
  totalMs: number;
  providerMs: number;
  linearStagesMs: number;
}

const best = (values: number[]) => Math.min(...values);

export async function benchPipeline(argv = process.argv.slice(2)) {
  const { scale } = benchOptions(argv);
  const transcriber = await startInstantTranscriber(100);
  const server = await startTestServer({
    TRANSCRIPTION_BASE_URL: transcriber.baseURL,
    TRANSCRIPTION_API_KEY: "bench",
    SCRYON_AUDIO_PREPROCESSING_ENABLED: "false",
    SCRYON_WORKER_CONCURRENCY: "1",
  });
  const upload = fixture("audio", "tone.wav");

  const runOnce = async (): Promise<Run> => {
    const handledBefore = transcriber.handledMs.length;
    const started = Date.now();
    const { status, body } = await uploadFile(server.url, upload);
    if (status !== 202) throw new Error(`upload answered ${status}: ${JSON.stringify(body)}`);
    const call = await waitForTerminalCall(server.runtime.store, body.callId as string);
    if (call.status !== "COMPLETED") throw new Error(`call failed: ${call.errorReason}`);
    const providerMs = transcriber.handledMs.slice(handledBefore).reduce((sum, ms) => sum + ms, 0);
    const events = await server.runtime.store.events.list(call.id);
    const linearStagesMs = events
      .filter((event) => LINEAR_STAGES.has(event.stage) && event.status === "COMPLETED")
      .reduce((sum, event) => sum + (event.durationMs ?? 0), 0);
    return { totalMs: call.statusChangedAt.getTime() - started, providerMs, linearStagesMs };
  };

  try {
    progress("warming up the pipeline");
    await runOnce();
    const rows: Array<Array<string | number>> = [];
    let firstPerWordUs: number | null = null;
    let firstLinearPerWordUs: number | null = null;
    for (const size of SIZES) {
      const words = Math.max(50, Math.round(size.words * scale));
      transcriber.answerWithWords(words);
      progress(`${size.name}: ${words} words × ${RUNS_PER_SIZE} runs`);
      const runs: Run[] = [];
      for (let i = 0; i < RUNS_PER_SIZE; i++) runs.push(await runOnce());
      const totalMs = best(runs.map((run) => run.totalMs));
      const providerMs = best(runs.map((run) => run.providerMs));
      const overheadMs = best(runs.map((run) => run.totalMs - run.providerMs));
      const linearMs = best(runs.map((run) => run.linearStagesMs));
      const perWordUs = (overheadMs * 1000) / words;
      const linearPerWordUs = (linearMs * 1000) / words;
      firstPerWordUs ??= perWordUs;
      firstLinearPerWordUs ??= linearPerWordUs;
      rows.push([
        size.name,
        words,
        fixed(totalMs, 0),
        fixed(providerMs, 1),
        fixed(overheadMs, 0),
        fixed(perWordUs, 1),
        ratio(perWordUs, firstPerWordUs),
        fixed(linearMs, 0),
        fixed(linearPerWordUs, 1),
        ratio(linearPerWordUs, firstLinearPerWordUs),
      ]);
    }
    printTable(
      `Pipeline overhead, instant transcription provider, preprocessing off (best of ${RUNS_PER_SIZE}; scale ${scale}); ` +
        `per-word ratio = this size / 5-minute call (1.00× = linear)`,
      [
        "transcript",
        "words",
        "upload→COMPLETED ms",
        "provider ms",
        "overhead ms",
        "µs/word",
        "ratio",
        "align+normalise ms",
        "µs/word",
        "ratio",
      ],
      rows,
    );
  } finally {
    await server.close();
    await transcriber.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPipeline();
