import { actionItemsRouter } from "./routers/action-items";
import { callsDeveloperRouter, callsRouter } from "./routers/calls";
import { contactsRouter } from "./routers/contacts";
import { searchRouter } from "./routers/search";
import { speakersRouter } from "./routers/speakers";
import { healthRouter, usersRouter } from "./routers/users";
import { webhooksRouter } from "./routers/webhooks";
import { createCallerFactory, router } from "./trpc";

const fullRouter = router({
  health: healthRouter,
  calls: router({ ...callsRouter._def.record, ...callsDeveloperRouter._def.record }),
  actionItems: actionItemsRouter,
  users: usersRouter,
  webhooks: webhooksRouter,
  speakers: speakersRouter,
  contacts: contactsRouter,
  search: searchRouter,
});

/** The type clients import; it includes the developer-only procedures. */
export type AppRouter = typeof fullRouter;

/**
 * The router for this process. In production the developer-only procedures are
 * left out entirely, so their REST routes do not exist (404), as docs/contract.md § Calls says.
 */
export function buildAppRouter(options: { developerTools: boolean }): AppRouter {
  if (options.developerTools) return fullRouter;
  return router({
    health: healthRouter,
    calls: callsRouter,
    actionItems: actionItemsRouter,
    users: usersRouter,
    webhooks: webhooksRouter,
    speakers: speakersRouter,
    contacts: contactsRouter,
    search: searchRouter,
  }) as unknown as AppRouter;
}

export const createCaller = createCallerFactory(fullRouter);
