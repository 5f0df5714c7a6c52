export { loadConfig, ConfigError, parseByteSize, type ScryonConfig } from "./config";
