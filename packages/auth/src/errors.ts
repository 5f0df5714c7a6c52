export type AuthErrorCode = "auth_missing" | "auth_invalid" | "auth_disabled" | "auth_unavailable";

const STATUS: Record<AuthErrorCode, 401 | 403 | 503> = {
  auth_missing: 401,
  auth_invalid: 401,
  auth_disabled: 403,
  // The identity provider (its key server) could not be reached: says nothing about the credentials.
  auth_unavailable: 503,
};

// Deliberately vague: a client learns only which of the outcomes it hit,
// never which check failed (that would help an attacker tune forged tokens).
const MESSAGE: Record<AuthErrorCode, string> = {
  auth_missing: "Authentication required",
  auth_invalid: "Invalid or expired credentials",
  auth_disabled: "Account disabled",
  auth_unavailable: "Authentication is temporarily unavailable; try again shortly",
};

/**
 * A request could not be authenticated. `code` and `status` go to the client;
 * `reason` is a short machine-readable cause for server logs only (never PII,
 * never token contents).
 */
export class AuthError extends Error {
  override readonly name = "AuthError";
  readonly code: AuthErrorCode;
  readonly status: 401 | 403 | 503;
  readonly reason: string | undefined;

  constructor(code: AuthErrorCode, reason?: string, options?: { cause?: unknown }) {
    super(MESSAGE[code], options);
    this.code = code;
    this.status = STATUS[code];
    this.reason = reason;
  }
}
