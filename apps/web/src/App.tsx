import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { ActionsPage } from "./components/ActionsPage";
import { CallPage } from "./components/CallPage";
import { CallsPage } from "./components/CallsPage";
import { ContactPage, ContactsPage } from "./components/ContactsPage";
import { SearchBox, SearchPage } from "./components/SearchPage";
import { SignIn } from "./components/SignIn";
import { useLiveStatus } from "./components/useLiveStatus";
import { WebhooksPage } from "./components/WebhooksPage";
import { clearCredentials, hasCredentials } from "./lib/credentials";
import { healthQuery, meQuery } from "./lib/queries";
import { hrefOf, useRoute } from "./lib/router";
import { apiErrorOf, isAuthError } from "./lib/trpc";

export function App() {
  const queryClient = useQueryClient();
  const me = useQuery(meQuery());
  const health = useQuery(healthQuery());
  const route = useRoute();
  const signedIn = me.isSuccess;
  const announcement = useLiveStatus(signedIn);

  // After navigation, move focus to the content so keyboard and screen-reader users follow it.
  const mainRef = useRef<HTMLElement>(null);
  const firstRoute = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `route` is the trigger, not an input
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    mainRef.current?.focus();
    window.scrollTo(0, 0);
  }, [route]);

  const signOut = () => {
    clearCredentials();
    // Drops every user's data from memory and asks users.me again, which lands on the sign-in form.
    void queryClient.resetQueries();
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <a className="brand" href={hrefOf({ page: "calls" })} aria-label="Scryon, all calls">
          <span className="brand-mark" aria-hidden="true" />
          Scryon
        </a>
        {signedIn && (
          <nav aria-label="Main">
            <a
              href={hrefOf({ page: "calls" })}
              aria-current={route.page === "calls" || route.page === "call" ? "page" : undefined}
            >
              Calls
            </a>
            <a
              href={hrefOf({ page: "contacts" })}
              aria-current={route.page === "contacts" || route.page === "contact" ? "page" : undefined}
            >
              Contacts
            </a>
            <a href={hrefOf({ page: "actions" })} aria-current={route.page === "actions" ? "page" : undefined}>
              Action items
            </a>
            <a href={hrefOf({ page: "webhooks" })} aria-current={route.page === "webhooks" ? "page" : undefined}>
              Webhooks
            </a>
          </nav>
        )}
        {signedIn && (
          <SearchBox key={route.page === "search" ? route.q : ""} initial={route.page === "search" ? route.q : ""} />
        )}
        {signedIn && (
          <div className="who">
            <span className="who-name" title={me.data.email ?? undefined}>
              {me.data.displayName ?? me.data.email ?? "Signed in"}
            </span>
            {hasCredentials() && (
              <button type="button" className="button ghost small" onClick={signOut}>
                Sign out
              </button>
            )}
          </div>
        )}
      </header>
      <div className="sr-only" role="status" aria-live="polite" aria-atomic="true">
        {announcement}
      </div>
      {health.data?.providers.transcription === null && (
        <div className="setup-banner" role="alert">
          <strong>Uploads cannot be transcribed yet.</strong> No transcription provider is configured on this server.
          Set <code>TRANSCRIPTION_PROVIDER</code> (openai, assemblyai or deepgram) with its{" "}
          <code>TRANSCRIPTION_API_KEY</code>, or point <code>TRANSCRIPTION_BASE_URL</code> at a local OpenAI-compatible
          server such as speaches or whisper.cpp, then restart.
        </div>
      )}
      <main id="main" tabIndex={-1} ref={mainRef}>
        {me.isPending ? (
          <p className="muted center">Loading…</p>
        ) : me.isError ? (
          isAuthError(me.error) ? (
            <SignIn error={hasCredentials() ? apiErrorOf(me.error) : undefined} />
          ) : (
            <div className="panel error-panel" role="alert">
              <h1>Cannot reach the server</h1>
              <p>{apiErrorOf(me.error).message}</p>
              <button type="button" className="button" onClick={() => void me.refetch()}>
                Try again
              </button>
            </div>
          )
        ) : route.page === "call" ? (
          <CallPage key={route.callId} callId={route.callId} segmentId={route.segmentId} />
        ) : route.page === "contacts" ? (
          <ContactsPage />
        ) : route.page === "contact" ? (
          <ContactPage key={route.contactId} contactId={route.contactId} />
        ) : route.page === "actions" ? (
          <ActionsPage />
        ) : route.page === "webhooks" ? (
          <WebhooksPage />
        ) : route.page === "search" ? (
          <SearchPage q={route.q} />
        ) : (
          <CallsPage />
        )}
      </main>
    </div>
  );
}
