import { useEffect, useState } from "react";

/** The dashboard's pages, addressed by the URL hash so the server needs no route knowledge. */
export type Route =
  | { page: "calls" }
  /** `segmentId`: the transcript segment to show and highlight (a search hit's moment). */
  | { page: "call"; callId: string; segmentId?: string }
  | { page: "actions" }
  | { page: "contacts" }
  | { page: "contact"; contactId: string }
  | { page: "webhooks" }
  | { page: "search"; q: string };

function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const [first, second] = path.split("/");
  if (first === "calls" && second) {
    const segmentId = params.get("segment");
    return { page: "call", callId: decodeURIComponent(second), ...(segmentId && { segmentId }) };
  }
  if (first === "search") return { page: "search", q: params.get("q") ?? "" };
  if (first === "actions") return { page: "actions" };
  if (first === "contacts")
    return second ? { page: "contact", contactId: decodeURIComponent(second) } : { page: "contacts" };
  if (first === "settings" && second === "webhooks") return { page: "webhooks" };
  return { page: "calls" };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case "call":
      return `#/calls/${encodeURIComponent(route.callId)}${route.segmentId ? `?${new URLSearchParams({ segment: route.segmentId })}` : ""}`;
    case "search":
      return `#/search?${new URLSearchParams({ q: route.q })}`;
    case "actions":
      return "#/actions";
    case "contacts":
      return "#/contacts";
    case "contact":
      return `#/contacts/${encodeURIComponent(route.contactId)}`;
    case "webhooks":
      return "#/settings/webhooks";
    default:
      return "#/";
  }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
