// Builds the dashboard only when there is no build yet, so `npm start` works
// straight after `npm ci` without rebuilding on every start.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const appRoot = fileURLToPath(new URL("..", import.meta.url));
if (existsSync(fileURLToPath(new URL("../dist/index.html", import.meta.url)))) {
  console.log("dashboard: using the existing build in apps/web/dist");
} else {
  console.log("dashboard: building apps/web (first start)…");
  await build({ root: appRoot, logLevel: "warn" });
}
