import { useEffect, useState } from "react";

/** The dashboard's pages, addressed by the URL hash so the server needs no route knowledge. */
export type Route =
  | { page: "calls" }
  | { page: "call"; callId: string }
  | { page: "actions" }
  | { page: "contacts" }
  | { page: "contact"; contactId: string }
  | { page: "webhooks" };

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  const [first, second] = path.split("/");
  if (first === "calls" && second) return { page: "call", callId: decodeURIComponent(second) };
  if (first === "actions") return { page: "actions" };
  if (first === "contacts")
    return second ? { page: "contact", contactId: decodeURIComponent(second) } : { page: "contacts" };
  if (first === "settings" && second === "webhooks") return { page: "webhooks" };
  return { page: "calls" };
}

export function hrefOf(route: Route): string {
  switch (route.page) {
    case "call":
      return `#/calls/${encodeURIComponent(route.callId)}`;
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
