export { ConfigError, loadConfig, parseByteSize, parseTrustProxy, type ScryonConfig, SETTING_NAMES } from "./config";
