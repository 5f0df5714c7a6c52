import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { STATUS_LABEL } from "../lib/format";
import { applyStatusChange, keys } from "../lib/queries";
import { trpc } from "../lib/trpc";

/**
 * Subscribes to the user's call status changes (tRPC over server-sent events)
 * and writes them into the query cache; no polling. Returns the latest change as
 * a sentence for the aria-live region.
 */
export function useLiveStatus(enabled: boolean): string {
  const queryClient = useQueryClient();
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => {
    if (!enabled) return;
    const subscription = trpc.calls.statusChanges.subscribe(undefined, {
      onData: (change) => {
        const item = applyStatusChange(queryClient, change);
        // A call this page has not loaded yet (another tab, the CLI): show it.
        if (!item) void queryClient.invalidateQueries({ queryKey: keys.calls });
        const name = item?.title ?? item?.contactName ?? "A call";
        setAnnouncement(`${name} is now ${STATUS_LABEL[change.status].toLowerCase()}.`);
      },
      onError: () => {
        // httpSubscriptionLink reconnects by itself; a refetch covers what was missed meanwhile.
        void queryClient.invalidateQueries({ queryKey: keys.calls });
      },
    });
    return () => subscription.unsubscribe();
  }, [enabled, queryClient]);
  return announcement;
}
