import type { AppRouter } from "@scryon/api";
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from "@trpc/client";
import type { inferRouterOutputs } from "@trpc/server";
import { EventSource } from "eventsource";
import { authHeaders } from "./credentials";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type CallListItem = RouterOutputs["calls"]["list"]["items"][number];
type CallDetail = RouterOutputs["calls"]["get"];
export type CallStatus = CallDetail["status"];
export type ActionItem = RouterOutputs["actionItems"]["list"]["items"][number];
export type ActionItemStatus = ActionItem["status"];
export type Priority = ActionItem["priority"];

const url = "/trpc";

/**
 * The typed client. Queries and mutations are batched over HTTP; the live status
 * subscription streams over server-sent events. The browser's EventSource cannot
 * send headers, so the `eventsource` ponyfill is used with a fetch that adds the
 * stored credentials.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === "subscription",
      true: httpSubscriptionLink({
        url,
        EventSource,
        eventSourceOptions: () => ({
          fetch: (input, init) => {
            const headers = new Headers(init?.headers);
            for (const [name, value] of Object.entries(authHeaders())) headers.set(name, value);
            return fetch(input, { ...init, headers });
          },
        }),
      }),
      false: httpBatchLink({ url, headers: () => authHeaders() }),
    }),
  ],
});

/** The documented API error (`{code, message}`) carried by a failed procedure call, if any. */
export function apiErrorOf(error: unknown): { status: number | undefined; code: string; message: string } {
  if (error instanceof TRPCClientError) {
    const data = error.data as { httpStatus?: number; error?: { code?: string; message?: string } } | undefined;
    return {
      status: data?.httpStatus,
      code: data?.error?.code ?? "request_failed",
      message: data?.error?.message ?? error.message,
    };
  }
  return { status: undefined, code: "request_failed", message: error instanceof Error ? error.message : String(error) };
}

export const isAuthError = (error: unknown) => {
  const { status } = apiErrorOf(error);
  return status === 401 || status === 403;
};
