export { ConfigError, loadConfig, parseByteSize, parseTrustProxy, type ScryonConfig } from "./config";
