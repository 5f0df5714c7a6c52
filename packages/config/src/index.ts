export { ConfigError, loadConfig, parseByteSize, type ScryonConfig } from "./config";
