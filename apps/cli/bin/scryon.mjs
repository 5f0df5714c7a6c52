#!/usr/bin/env node
// The workspace ships TypeScript source (no build step): load tsx's ESM hooks, then run the CLI.
import { register } from "tsx/esm/api";

register();
const { run } = await import("../src/main.ts");
process.exitCode = await run(process.argv);
