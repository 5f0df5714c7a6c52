/**
 * The HTTP host: `buildServer` for a runtime you made (`batchedLogDestination` is where `npm start` writes its
 * log), `runServer` for `npm start`'s whole process.
 */
export { buildServer } from "./app";
export { batchedLogDestination } from "./logging";
export { runServer } from "./run";
