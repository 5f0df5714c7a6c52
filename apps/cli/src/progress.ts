import path from "node:path";
import { MultiBar, Presets, type SingleBar } from "cli-progress";

/** Where a call is on its way; the bar's value. */
const STEP: Record<string, number> = {
  STORING: 0,
  QUEUED: 1,
  TRANSCRIBING: 2,
  ANALYZING: 3,
  COMPLETED: 4,
  FAILED: 4,
  REJECTED: 4,
};
const STEPS = 4;

export interface Progress {
  update(file: string, status: string): void;
  stop(): void;
}

/**
 * One bar per file and an overall bar on a terminal (stderr, so stdout stays
 * clean for --json and pipes); elsewhere one line per status change.
 */
export function createProgress(files: readonly string[], stream: NodeJS.WriteStream = process.stderr): Progress {
  const names = new Map(files.map((file) => [file, path.basename(file)]));
  const width = Math.min(32, Math.max(...[...names.values()].map((name) => name.length)));
  const last = new Map<string, string>();
  const done = () => [...last.values()].filter((status) => (STEP[status] ?? 0) >= STEPS).length;

  if (!stream.isTTY) {
    return {
      update(file, status) {
        if (last.get(file) === status) return;
        last.set(file, status);
        stream.write(`${names.get(file)}: ${status} (${done()}/${files.length} done)\n`);
      },
      stop() {},
    };
  }

  const multibar = new MultiBar(
    {
      stream,
      format: "{name} {bar} {status}",
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      autopadding: true,
    },
    Presets.shades_classic,
  );
  const overall = multibar.create(files.length, 0, { name: "overall".padEnd(width), status: `0/${files.length} done` });
  const bars = new Map<string, SingleBar>(
    files.map((file) => [
      file,
      multibar.create(STEPS, 0, { name: (names.get(file) ?? file).slice(0, width).padEnd(width), status: "waiting" }),
    ]),
  );
  return {
    update(file, status) {
      if (last.get(file) === status) return;
      last.set(file, status);
      bars.get(file)?.update(STEP[status] ?? 0, { status });
      overall.update(done(), { status: `${done()}/${files.length} done` });
    },
    stop: () => multibar.stop(),
  };
}
