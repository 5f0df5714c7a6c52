import { ConfigError, loadConfig } from "@scryon/config";
import { createRuntime } from "@scryon/runtime";
import pino from "pino";
import { buildServer } from "./app";
import { batchedLogDestination } from "./logging";

/**
 * Runs the server as `npm start` does: the API and the workers in one process on
 * the embedded default (SQLite, in-process queue, local files under ./var);
 * SCRYON_ROLE=api|worker splits them. Configuration comes from the environment;
 * it listens until SIGTERM/SIGINT, then shuts down gracefully.
 */
export async function runServer(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  // One destination for the runtime's lines and the request log, so their order on stdout is kept.
  const logDestination = batchedLogDestination();
  const log = pino({ level: config.logLevel, name: "scryon" }, logDestination);
  const runtime = await createRuntime(config, log);
  const app = await buildServer(config, runtime, { logDestination });

  if (runtime.authenticator.mode === "LOCAL_DEV")
    log.warn(
      config.auth.apiKey
        ? "Firebase authentication is OFF: every request acts as the local-dev user (the API key still guards access)"
        : "AUTHENTICATION IS OFF: every request acts as the local-dev user. Set FIREBASE_PROJECT_ID (and/or SCRYON_API_KEY) before exposing this server.",
    );
  if (!config.transcription)
    log.warn(
      "No transcription provider is configured (TRANSCRIPTION_BASE_URL): uploaded calls will fail with transcription_not_configured",
    );

  if (config.server.role !== "api") await runtime.startBackground();
  if (config.server.role !== "worker") {
    await app.listen({ port: config.server.port, host: config.server.host });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down: no new requests, finishing in-flight jobs");
    const forced = setTimeout(() => process.exit(1), 30_000);
    forced.unref();
    try {
      await app.close();
      await runtime.close({ timeoutMs: 20_000 });
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "shutdown failed");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
