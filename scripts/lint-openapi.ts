/**
 * Lints the OpenAPI document exactly as the server serves it (the dev profile, so
 * every operation is in it): Redocly's recommended rules and Spectral's
 * `spectral:oas`, both of which must report no error and no warning.
 * Usage: `tsx scripts/lint-openapi.ts [--out file.json]` (writes the document too).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@scryon/config";
import { createRuntime } from "@scryon/runtime";
import { buildServer } from "@scryon/server";

const root = path.resolve(import.meta.dirname, "..");
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "scryon-openapi-"));
const config = loadConfig({ SCRYON_DATA_DIR: dataDir, SCRYON_LOG_LEVEL: "silent", SCRYON_PROFILE: "dev" });
const runtime = await createRuntime(config);
const app = await buildServer(config, runtime);
const document = (await app.inject({ method: "GET", url: "/api/openapi.json" })).body;
await app.close();
await runtime.close({ timeoutMs: 5000 });

const outIndex = process.argv.indexOf("--out");
const file = outIndex > 0 ? path.resolve(process.argv[outIndex + 1]!) : path.join(dataDir, "openapi.json");
await fs.writeFile(file, document);

const bin = (name: string) => path.join(root, "node_modules", ".bin", name);
let failed = false;
for (const [name, args] of [
  ["redocly", ["lint", "--extends=recommended", "--format=stylish", file]],
  ["spectral", ["lint", "--ruleset", path.join(root, ".spectral.yaml"), "--fail-severity=warn", file]],
] as const) {
  try {
    execFileSync(bin(name), [...args], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    });
    console.log(`openapi: ${name} clean`);
  } catch (error) {
    failed = true;
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    console.error(`openapi: ${name} found problems\n${stdout?.toString() ?? ""}${stderr?.toString() ?? ""}`);
  }
}
if (outIndex < 0) await fs.rm(dataDir, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
