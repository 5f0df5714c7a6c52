export { ConfigError, loadConfig, parseByteSize, parseTrustProxy, SETTING_NAMES, type ScryonConfig } from "./config";
