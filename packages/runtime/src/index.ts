export { createRuntime, silentLogger, SCRYON_VERSION, type Runtime } from "./runtime";
