import { errors as joseErrors, jwtVerify } from "jose";
import { AuthError } from "./errors";
import { createCachedKeySet } from "./key-set";
import { type AuthenticatedPrincipal, firebasePrincipal, isValidUid } from "./principal";

export type JwksVerifierOptions = {
  projectId: string;
  jwksUrl: string;
  clockToleranceSeconds: number;
  /** Bound on one fetch of the key set. */
  keyFetchTimeoutMs: number;
};

/**
 * Verifies Firebase ID tokens locally against Google's published signing keys,
 * following https://firebase.google.com/docs/auth/admin/verify-id-tokens
 * ("Verify ID tokens using a third-party JWT library"). Cannot see revocation
 * or disabled accounts; that needs the Admin SDK and a service account.
 */
export function createJwksVerifier(options: JwksVerifierOptions): (token: string) => Promise<AuthenticatedPrincipal> {
  const { projectId, clockToleranceSeconds } = options;
  // Cached for its max-age and served stale while the key server is down; an
  // unknown `kid` (Google rotates keys) refetches at most once per cooldown so
  // garbage `kid`s cannot turn us into a request amplifier (see key-set.ts).
  const keySet = createCachedKeySet({ url: options.jwksUrl, timeoutMs: options.keyFetchTimeoutMs });
  const issuer = `https://securetoken.google.com/${projectId}`;

  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, keySet, {
        algorithms: ["RS256"],
        audience: projectId,
        issuer,
        clockTolerance: clockToleranceSeconds,
        requiredClaims: ["exp", "iat", "auth_time", "sub"],
      }));
    } catch (error) {
      if (error instanceof AuthError) throw error;
      throw new AuthError("auth_invalid", joseFailureReason(error), { cause: error });
    }

    const nowSeconds = Date.now() / 1000;
    if (!isPastNumericDate(payload.iat, nowSeconds, clockToleranceSeconds)) {
      throw new AuthError("auth_invalid", "iat_invalid");
    }
    if (!isPastNumericDate(payload.auth_time, nowSeconds, clockToleranceSeconds)) {
      throw new AuthError("auth_invalid", "auth_time_invalid");
    }
    const uid = payload.sub;
    if (!isValidUid(uid)) throw new AuthError("auth_invalid", "sub_invalid");

    return firebasePrincipal(uid, payload);
  };
}

function isPastNumericDate(value: unknown, nowSeconds: number, toleranceSeconds: number): boolean {
  return typeof value === "number" && Number.isFinite(value) && value <= nowSeconds + toleranceSeconds;
}

function joseFailureReason(error: unknown): string {
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `claim_${error.claim}_${error.reason}`;
  if (error instanceof joseErrors.JWKSTimeout) return "jwks_timeout";
  if (error instanceof joseErrors.JOSEError) return error.code.toLowerCase();
  // Anything else (a network failure fetching the key set) is not jose's verdict on the token.
  return "jwks_unavailable";
}
