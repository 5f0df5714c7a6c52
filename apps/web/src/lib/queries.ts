import { TERMINAL_STATUSES } from "@scryon/db/model";
import { type InfiniteData, infiniteQueryOptions, type QueryClient, queryOptions } from "@tanstack/react-query";
import { type ActionItem, type CallListItem, type CallStatus, type RouterOutputs, trpc } from "./trpc";

/**
 * Query keys and fetchers in one place, so the live status handler and the
 * mutations update exactly the caches the views read.
 */
const PAGE_SIZE = 20;
const TERMINAL: ReadonlySet<CallStatus> = new Set(TERMINAL_STATUSES);
const CONTACT_KEY = "contacts.get";

export const keys = {
  me: ["users.me"] as const,
  health: ["health.check"] as const,
  calls: ["calls.list"] as const,
  call: (id: string) => ["calls.get", id] as const,
  transcript: (id: string) => ["calls.transcript", id] as const,
  analysis: (id: string) => ["calls.analysis", id] as const,
  processing: (id: string) => ["calls.processing", id] as const,
  callActions: (id: string) => ["actionItems.listForCall", id] as const,
  actions: (status: ActionItem["status"] | "ALL") => ["actionItems.list", status] as const,
  allActions: ["actionItems.list"] as const,
  contacts: ["contacts.list"] as const,
  contact: (id: string) => [CONTACT_KEY, id] as const,
  search: (q: string) => ["search.query", q] as const,
};

/** What the server can do (which providers are configured); it changes only with a restart. */
export const healthQuery = () =>
  queryOptions({
    queryKey: keys.health,
    queryFn: () => trpc.health.check.query(),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const meQuery = () => queryOptions({ queryKey: keys.me, queryFn: () => trpc.users.me.query(), retry: false });

export const callsQuery = () =>
  infiniteQueryOptions({
    queryKey: keys.calls,
    queryFn: ({ pageParam }) => trpc.calls.list.query({ limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor,
  });

export const callQuery = (id: string) =>
  queryOptions({ queryKey: keys.call(id), queryFn: () => trpc.calls.get.query({ id }) });

export const transcriptQuery = (id: string) =>
  queryOptions({
    queryKey: keys.transcript(id),
    queryFn: () => trpc.calls.transcript.query({ id }),
    staleTime: Infinity,
  });

export const analysisQuery = (id: string) =>
  queryOptions({ queryKey: keys.analysis(id), queryFn: () => trpc.calls.analysis.query({ id }), staleTime: Infinity });

/** The egress ledger (docs/contract.md § Egress ledger). */
export const processingQuery = (id: string) =>
  queryOptions({ queryKey: keys.processing(id), queryFn: () => trpc.calls.processing.query({ id }) });

export const callActionsQuery = (id: string) =>
  queryOptions({ queryKey: keys.callActions(id), queryFn: () => trpc.actionItems.listForCall.query({ id }) });

export const actionsQuery = (status: ActionItem["status"] | "ALL") =>
  infiniteQueryOptions({
    queryKey: keys.actions(status),
    queryFn: ({ pageParam }) =>
      trpc.actionItems.list.query({
        limit: PAGE_SIZE,
        ...(pageParam && { cursor: pageParam }),
        ...(status !== "ALL" && { status }),
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor,
  });

/** docs/contract.md § Contacts: the people the user talks to, most recent call first. */
export const contactsQuery = () =>
  infiniteQueryOptions({
    queryKey: keys.contacts,
    queryFn: ({ pageParam }) => trpc.contacts.list.query({ limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor,
  });

export const contactQuery = (id: string) =>
  queryOptions({ queryKey: keys.contact(id), queryFn: () => trpc.contacts.get.query({ id }) });

/** Search hits, best first (docs/contract.md § Search); a query without words is the server's 400. */
export const searchQuery = (q: string) =>
  infiniteQueryOptions({
    queryKey: keys.search(q),
    queryFn: ({ pageParam }) =>
      trpc.search.query.query({ q, limit: PAGE_SIZE, ...(pageParam && { cursor: pageParam }) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor,
    enabled: q.trim() !== "",
    retry: false,
  });

type ActionPages = InfiniteData<RouterOutputs["actionItems"]["list"], string | undefined>;

/** Writes a changed action item into both the call's list and every global list, so all views agree at once. */
export function putActionItem(queryClient: QueryClient, updated: ActionItem): void {
  const replace = (item: ActionItem) => (item.id === updated.id ? updated : item);
  queryClient.setQueryData<{ items: ActionItem[] }>(
    keys.callActions(updated.callRecordId),
    (data) => data && { items: data.items.map(replace) },
  );
  queryClient.setQueriesData<ActionPages>(
    { queryKey: keys.allActions },
    (data) => data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map(replace) })) },
  );
  // A contact's open items and counts: asked again (a done item leaves them).
  void queryClient.invalidateQueries({ queryKey: [CONTACT_KEY] });
  void queryClient.invalidateQueries({ queryKey: keys.contacts });
}

type CallPages = InfiniteData<RouterOutputs["calls"]["list"], string | undefined>;

/**
 * Applies one pushed status change to every cache that shows it. Returns the
 * updated list item, or undefined when the call is not in the loaded list (e.g.
 * uploaded from elsewhere), so the caller can refetch the list instead.
 */
export function applyStatusChange(
  queryClient: QueryClient,
  change: { callId: string; status: CallStatus },
): CallListItem | undefined {
  let updated: CallListItem | undefined;
  queryClient.setQueryData<CallPages>(keys.calls, (data) => {
    if (!data) return data;
    return {
      ...data,
      pages: data.pages.map((page) => ({
        ...page,
        items: page.items.map((item) => {
          if (item.callId !== change.callId) return item;
          updated = { ...item, status: change.status };
          return updated;
        }),
      })),
    };
  });
  queryClient.setQueryData(keys.call(change.callId), (call) => (call ? { ...call, status: change.status } : call));
  if (TERMINAL.has(change.status)) {
    // The list item carries counts and the detail an error reason; both are only final now.
    void queryClient.invalidateQueries({ queryKey: keys.call(change.callId) });
    void queryClient.invalidateQueries({ queryKey: keys.callActions(change.callId) });
    void queryClient.invalidateQueries({ queryKey: keys.allActions });
    void queryClient.invalidateQueries({ queryKey: keys.calls });
    // A contact's counts and last sentiment follow its calls.
    void queryClient.invalidateQueries({ queryKey: keys.contacts });
    void queryClient.invalidateQueries({ queryKey: [CONTACT_KEY] });
  }
  return updated;
}
