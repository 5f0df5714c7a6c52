// Builds the dashboard when there is no build yet or its sources changed since,
// so `npm start` and the end-to-end test work straight after `npm ci` and never
// serve a stale build, without rebuilding on every start.
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const appRoot = fileURLToPath(new URL("..", import.meta.url));
const builtIndex = path.join(appRoot, "dist", "index.html");
const SOURCES = ["index.html", "vite.config.ts", "package.json", "src"];

function newestModification(entry) {
  const stats = statSync(entry);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(stats.mtimeMs, ...readdirSync(entry).map((name) => newestModification(path.join(entry, name))));
}

const builtAt = existsSync(builtIndex) ? statSync(builtIndex).mtimeMs : -1;
const changedAt = Math.max(...SOURCES.map((source) => newestModification(path.join(appRoot, source))));
if (builtAt >= changedAt) {
  console.log("dashboard: apps/web/dist is up to date");
} else {
  console.log(
    builtAt < 0 ? "dashboard: building apps/web (no build yet)…" : "dashboard: rebuilding apps/web (sources changed)…",
  );
  const { build } = await import("vite");
  await build({ root: appRoot, logLevel: "warn" });
}
