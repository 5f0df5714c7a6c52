import { type AdminVerifier, createAdminVerifier } from "./admin-verifier";
import { extractBearerToken } from "./bearer";
import { createJwksVerifier } from "./jwks-verifier";
import { type AuthenticatedPrincipal, LOCAL_DEV_PRINCIPAL } from "./principal";

export const GOOGLE_SECURETOKEN_JWKS_URL =
  "https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com";

const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
/** A key server slower than this is treated as unreachable (503 auth_unavailable), never waited on for long. */
const DEFAULT_KEY_FETCH_TIMEOUT_MS = 3_000;
const EMULATOR_ENV = "FIREBASE_AUTH_EMULATOR_HOST";

export type AuthenticatorOptions = {
  firebaseProjectId?: string | null;
  firebaseClientEmail?: string | null;
  /** PEM; literal `\n` sequences (as env files often carry them) are unescaped. */
  firebasePrivateKey?: string | null;
  /** JWKS mode only. Defaults to Google's securetoken key set. */
  jwksUrl?: string;
  /** JWKS mode only: allowed clock skew for exp/iat/auth_time. */
  clockToleranceSeconds?: number;
  /** Bound on fetching signing keys (JWKS) or one firebase-admin verification; default 3 s. */
  keyFetchTimeoutMs?: number;
  /** `host:port` of a Firebase Auth emulator. Trusts UNSIGNED tokens: never in production. */
  firebaseAuthEmulatorHost?: string | null;
};

export type AuthenticatorMode = "FIREBASE_JWKS" | "FIREBASE_ADMIN" | "LOCAL_DEV";

export type Authenticator = {
  readonly mode: AuthenticatorMode;
  /** Resolves to the caller's identity or rejects with an `AuthError`. */
  authenticate(authorizationHeader: string | undefined): Promise<AuthenticatedPrincipal>;
  close(): Promise<void>;
};

/**
 * Picks the strongest mechanism the configuration allows:
 * service account (or emulator) → Admin SDK; project id alone → JWKS;
 * nothing → a fixed local-dev identity. Half-configured Firebase settings
 * throw instead of silently falling back to a weaker mode.
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const projectId = presentOrNull(options.firebaseProjectId);
  const clientEmail = presentOrNull(options.firebaseClientEmail);
  const privateKey = presentOrNull(options.firebasePrivateKey);
  const emulatorHost = presentOrNull(options.firebaseAuthEmulatorHost);

  if ((clientEmail === null) !== (privateKey === null)) {
    throw new Error("FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY must be set together");
  }
  const serviceAccount = clientEmail && privateKey ? { clientEmail, privateKey: unescapeNewlines(privateKey) } : null;

  if (projectId === null) {
    if (serviceAccount || emulatorHost) {
      throw new Error("FIREBASE_PROJECT_ID is required when a Firebase service account or emulator is configured");
    }
    return localDevAuthenticator();
  }
  if (serviceAccount || emulatorHost) {
    return adminAuthenticator(
      projectId,
      serviceAccount,
      emulatorHost,
      options.keyFetchTimeoutMs ?? DEFAULT_KEY_FETCH_TIMEOUT_MS,
    );
  }
  return jwksAuthenticator(projectId, options);
}

function localDevAuthenticator(): Authenticator {
  return {
    mode: "LOCAL_DEV",
    authenticate: async () => ({ ...LOCAL_DEV_PRINCIPAL }),
    close: async () => {},
  };
}

function jwksAuthenticator(projectId: string, options: AuthenticatorOptions): Authenticator {
  const clockToleranceSeconds = options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS;
  if (!Number.isFinite(clockToleranceSeconds) || clockToleranceSeconds < 0) {
    throw new Error("clockToleranceSeconds must be a non-negative number");
  }
  const verify = createJwksVerifier({
    projectId,
    jwksUrl: options.jwksUrl ?? GOOGLE_SECURETOKEN_JWKS_URL,
    clockToleranceSeconds,
    keyFetchTimeoutMs: options.keyFetchTimeoutMs ?? DEFAULT_KEY_FETCH_TIMEOUT_MS,
  });
  return {
    mode: "FIREBASE_JWKS",
    authenticate: async (header) => verify(extractBearerToken(header)),
    close: async () => {},
  };
}

function adminAuthenticator(
  projectId: string,
  serviceAccount: { clientEmail: string; privateKey: string } | null,
  emulatorHost: string | null,
  timeoutMs: number,
): Authenticator {
  // firebase-admin reads the emulator host from the environment on every call,
  // and with it set accepts unsigned tokens. So it must be set only when
  // explicitly configured, and an inherited value is refused outright. The
  // variable is process-wide: one emulator-backed authenticator at a time.
  const inheritedEmulatorHost = process.env[EMULATOR_ENV];
  if (emulatorHost === null && inheritedEmulatorHost !== undefined && inheritedEmulatorHost !== "") {
    throw new Error(
      `${EMULATOR_ENV} is set in the environment but no emulator was configured; refusing to trust unsigned tokens`,
    );
  }
  if (emulatorHost !== null) process.env[EMULATOR_ENV] = emulatorHost;

  let verifier: AdminVerifier;
  try {
    verifier = createAdminVerifier({ projectId, serviceAccount, timeoutMs });
  } catch (error) {
    restoreEnv(EMULATOR_ENV, inheritedEmulatorHost);
    // firebase-admin's message is about the key; keep ours about the variable.
    throw new Error("FIREBASE_PRIVATE_KEY / FIREBASE_CLIENT_EMAIL do not form a valid service account", {
      cause: error,
    });
  }

  return {
    mode: "FIREBASE_ADMIN",
    authenticate: async (header) => verifier.verify(extractBearerToken(header)),
    close: async () => {
      await verifier.close();
      if (emulatorHost !== null) restoreEnv(EMULATOR_ENV, inheritedEmulatorHost);
    },
  };
}

function presentOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

function unescapeNewlines(pem: string): string {
  return pem.replace(/\\n/g, "\n");
}

function restoreEnv(name: string, previous: string | undefined): void {
  if (previous === undefined) delete process.env[name];
  else process.env[name] = previous;
}
