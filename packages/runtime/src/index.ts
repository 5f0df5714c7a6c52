export { createRuntime, type Runtime, SCRYON_VERSION, silentLogger } from "./runtime";
