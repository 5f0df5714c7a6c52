/** The HTTP host: `buildServer` for a runtime you made, `runServer` for `npm start`'s whole process. */
export { buildServer } from "./app";
export { runServer } from "./run";
