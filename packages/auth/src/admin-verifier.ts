import { randomUUID } from "node:crypto";
import { type App, cert, deleteApp, initializeApp } from "firebase-admin/app";
import { getAuth } from "firebase-admin/auth";
import { AuthError } from "./errors";
import { type AuthenticatedPrincipal, firebasePrincipal, isValidUid } from "./principal";

export type AdminVerifierOptions = {
  projectId: string;
  /** Both set for production; both null only when talking to the Auth emulator. */
  serviceAccount: { clientEmail: string; privateKey: string } | null;
  /** Bound on one verification (key fetch and revocation lookup); past it: auth_unavailable. */
  timeoutMs: number;
};

export type AdminVerifier = {
  verify(token: string): Promise<AuthenticatedPrincipal>;
  close(): Promise<void>;
};

/**
 * Verifies Firebase ID tokens with the Admin SDK, which (unlike plain JWKS
 * checks) also rejects revoked sessions and disabled accounts.
 */
export function createAdminVerifier(options: AdminVerifierOptions): AdminVerifier {
  const { projectId, serviceAccount } = options;
  // A private app per authenticator so we never collide with (or tear down)
  // the process-wide default app someone else may own.
  const app: App = initializeApp(
    {
      projectId,
      ...(serviceAccount && {
        credential: cert({ projectId, clientEmail: serviceAccount.clientEmail, privateKey: serviceAccount.privateKey }),
      }),
    },
    `scryon-auth-${randomUUID()}`,
  );
  const auth = getAuth(app);
  let closed: Promise<void> | undefined;

  return {
    async verify(token) {
      let decoded: Record<string, unknown> & { uid: string };
      try {
        decoded = await withTimeout(auth.verifyIdToken(token, /* checkRevoked */ true), options.timeoutMs);
      } catch (error) {
        throw toAuthError(error);
      }
      if (!isValidUid(decoded.uid)) throw new AuthError("auth_invalid", "sub_invalid");
      return firebasePrincipal(decoded.uid, decoded);
    },
    close() {
      closed ??= deleteApp(app);
      return closed;
    },
  };
}

class VerificationTimeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new VerificationTimeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * firebase-admin reports a failed fetch of Google's public keys as a plain
 * "argument" error whose message says so, and an unreachable revocation lookup
 * as a network or internal error. Those say nothing about the token.
 */
function isProviderUnavailable(error: unknown, code: string | undefined): boolean {
  if (error instanceof VerificationTimeout) return true;
  if (code === "app/network-error" || code === "auth/internal-error" || code === "app/internal-error") return true;
  const message = error instanceof Error ? error.message : "";
  return /Error fetching (public keys|Json Web Keys)/.test(message);
}

function toAuthError(error: unknown): AuthError {
  const code = firebaseErrorCode(error);
  if (code === "auth/user-disabled") return new AuthError("auth_disabled", "user_disabled", { cause: error });
  if (isProviderUnavailable(error, code))
    return new AuthError(
      "auth_unavailable",
      error instanceof VerificationTimeout ? "verify_timeout" : (code ?? "key_fetch_failed"),
      {
        cause: error,
      },
    );
  // Revoked, expired, malformed, wrong project, deleted user: to the client
  // they are all one thing — get a fresh token.
  return new AuthError("auth_invalid", code ?? "verification_failed", { cause: error });
}

function firebaseErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}
