import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useId, useState } from "react";
import { loadCredentials, saveCredentials } from "../lib/credentials";
import { keys } from "../lib/queries";

/**
 * Shown when the server answers 401/403. The server decides the auth mode; the
 * form takes whatever it needs: an API key, a Firebase ID token, or both.
 */
export function SignIn({ error }: { error: { code: string; message: string } | undefined }) {
  const queryClient = useQueryClient();
  const stored = loadCredentials();
  const [apiKey, setApiKey] = useState(stored.apiKey ?? "");
  const [idToken, setIdToken] = useState(stored.idToken ?? "");
  const hintId = useId();
  const fieldId = useId();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    saveCredentials({
      ...(apiKey.trim() && { apiKey: apiKey.trim() }),
      ...(idToken.trim() && { idToken: idToken.trim() }),
    });
    void queryClient.resetQueries({ queryKey: keys.me });
  };

  return (
    <section className="panel signin" aria-labelledby="signin-title">
      <h1 id="signin-title">Sign in</h1>
      <p id={hintId} className="muted">
        This server needs credentials. Paste the API key (when the server sets <code>SCRYON_API_KEY</code>) and/or a
        Firebase ID token. They stay in this browser tab only.
      </p>
      {error && (
        <p className="form-error" role="alert">
          {error.message} <span className="muted">({error.code})</span>
        </p>
      )}
      <form onSubmit={submit} aria-describedby={hintId}>
        <div className="field">
          <label htmlFor={`${fieldId}-api-key`}>API key</label>
          <input
            id={`${fieldId}-api-key`}
            type="password"
            autoComplete="off"
            value={apiKey}
            onChange={(event) => setApiKey(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${fieldId}-firebase-id-token`}>Firebase ID token</label>
          <textarea
            id={`${fieldId}-firebase-id-token`}
            rows={4}
            spellCheck={false}
            value={idToken}
            onChange={(event) => setIdToken(event.target.value)}
          />
        </div>
        <button type="submit" className="button primary" disabled={!apiKey.trim() && !idToken.trim()}>
          Sign in
        </button>
      </form>
    </section>
  );
}
