import { AuthError } from "./errors";

// Firebase ID tokens are ~1 KB; anything far larger is not one and is not
// worth parsing.
const MAX_TOKEN_LENGTH = 16 * 1024;

/**
 * Extracts the token from `Authorization: Bearer <token>` (scheme is
 * case-insensitive, RFC 7235). No header or no token → `auth_missing`; any
 * other scheme or a malformed value → `auth_invalid`.
 */
export function extractBearerToken(authorizationHeader: string | undefined): string {
  const header = authorizationHeader?.trim() ?? "";
  if (header === "") throw new AuthError("auth_missing", "no_authorization_header");

  const match = /^(\S+)(?:\s+(.*))?$/s.exec(header);
  const scheme = match?.[1] ?? "";
  const token = match?.[2]?.trim() ?? "";

  if (scheme.toLowerCase() !== "bearer") throw new AuthError("auth_invalid", "unsupported_scheme");
  if (token === "") throw new AuthError("auth_missing", "empty_bearer_token");
  if (/\s/.test(token)) throw new AuthError("auth_invalid", "malformed_bearer_token");
  if (token.length > MAX_TOKEN_LENGTH) throw new AuthError("auth_invalid", "token_too_long");
  return token;
}
