/**
 * `npm run bench`: every benchmark in sequence, each printing its table.
 * Options (`--scale`, `--duration`) are passed to every script.
 */
import { benchLongCall } from "./long-call";
import { benchPipeline } from "./pipeline";
import { benchQueue } from "./queue";
import { benchReadPaths } from "./read-paths";
import { benchSearch } from "./search";
import { benchUpload } from "./upload";

const benches = [
  ["read paths", benchReadPaths],
  ["upload", benchUpload],
  ["pipeline", benchPipeline],
  ["queue", benchQueue],
  ["long calls", benchLongCall],
  ["search", benchSearch],
] as const;

const started = performance.now();
for (const [name, bench] of benches) {
  process.stderr.write(`\n▶ ${name}\n`);
  await bench(process.argv.slice(2));
}
console.log(`\nAll benchmarks finished in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
