import { useEffect, useState } from "react";

/** The dashboard's pages, addressed by the URL hash so the server needs no route knowledge. */
export type Route = { page: "calls" } | { page: "call"; callId: string } | { page: "actions" };

function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, "");
  const [first, second] = path.split("/");
  if (first === "calls" && second) return { page: "call", callId: decodeURIComponent(second) };
  if (first === "actions") return { page: "actions" };
  return { page: "calls" };
}

export const hrefOf = (route: Route): string =>
  route.page === "call" ? `#/calls/${encodeURIComponent(route.callId)}` : route.page === "actions" ? "#/actions" : "#/";

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", onChange);
    return () => window.removeEventListener("hashchange", onChange);
  }, []);
  return route;
}
