/**
 * What the user pasted on the sign-in form. Kept in sessionStorage so a reload
 * keeps the session but closing the tab forgets the secrets.
 */
export interface Credentials {
  /** Sent as X-Scryon-Api-Key (servers with SCRYON_API_KEY). */
  apiKey?: string;
  /** A Firebase ID token, sent as `Authorization: Bearer …`. */
  idToken?: string;
}

const STORAGE_KEY = "scryon.credentials";

export function loadCredentials(): Credentials {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    if (!raw) return {};
    const parsed = JSON.parse(raw) as Credentials;
    return {
      ...(typeof parsed.apiKey === "string" && parsed.apiKey && { apiKey: parsed.apiKey }),
      ...(typeof parsed.idToken === "string" && parsed.idToken && { idToken: parsed.idToken }),
    };
  } catch {
    return {};
  }
}

export function saveCredentials(credentials: Credentials): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
}

export function clearCredentials(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function hasCredentials(credentials: Credentials = loadCredentials()): boolean {
  return Boolean(credentials.apiKey || credentials.idToken);
}

/** The request headers that carry the stored credentials. */
export function authHeaders(credentials: Credentials = loadCredentials()): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credentials.apiKey) headers["x-scryon-api-key"] = credentials.apiKey;
  if (credentials.idToken) headers.authorization = `Bearer ${credentials.idToken}`;
  return headers;
}
