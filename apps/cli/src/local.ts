import { ConfigError, loadConfig, type ScryonConfig } from "@scryon/config";
import { configError } from "./exit-codes";

/** Reads the environment like the server does; `--data-dir` wins over SCRYON_DATA_DIR. */
export function loadCliConfig(
  options: { dataDir?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): ScryonConfig {
  try {
    return loadConfig({ ...env, ...(options.dataDir && { SCRYON_DATA_DIR: options.dataDir }) });
  } catch (error) {
    if (error instanceof ConfigError) throw configError(error.message);
    throw error;
  }
}
