import { runServer } from "./run";

/** `npm start`: see runServer. */
void runServer();
