import { runServer } from "@scryon/server";
import { loadCliConfig } from "./local";

/**
 * `scryon serve`: the server's own `runServer` (what `npm start` runs) in this
 * process, so start-up, warnings and graceful shutdown are exactly `npm start`'s.
 * Options become the environment variables it reads.
 */
export async function serve(options: { port?: string; host?: string; dataDir?: string }) {
  if (options.port !== undefined) process.env.PORT = options.port;
  if (options.host !== undefined) process.env.HOST = options.host;
  if (options.dataDir !== undefined) process.env.SCRYON_DATA_DIR = options.dataDir;
  loadCliConfig({}); // A bad setting is exit 3 here, before the server prints its own message.
  // It listens and keeps the process alive; its SIGINT/SIGTERM handlers end it.
  await runServer();
}
