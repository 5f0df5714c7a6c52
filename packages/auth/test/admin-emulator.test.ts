import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError, type Authenticator, createAuthenticator } from "../src/index";
import { type AuthEmulator, startAuthEmulator } from "./auth-emulator";

// "demo-" projects are the emulator's offline mode: nothing reaches Google.
const PROJECT_ID = "demo-scryon";

let emulator: AuthEmulator;
let authenticator: Authenticator;
let accountCounter = 0;

function newAccount() {
  accountCounter += 1;
  return {
    email: `user${accountCounter}@example.com`,
    password: "correct horse battery",
    displayName: `User ${accountCounter}`,
  };
}

/** A service-account key as it arrives from an env file: newlines escaped. */
function escapedServiceAccountKey(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString().replace(/\n/g, "\\n");
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

beforeAll(async () => {
  emulator = await startAuthEmulator(PROJECT_ID);
  authenticator = createAuthenticator({
    firebaseProjectId: PROJECT_ID,
    firebaseClientEmail: `scryon@${PROJECT_ID}.iam.gserviceaccount.com`,
    firebasePrivateKey: escapedServiceAccountKey(),
    firebaseAuthEmulatorHost: emulator.host,
  });
}, 180_000);

afterAll(async () => {
  await authenticator?.close();
  await emulator?.stop();
}, 30_000);

describe("FIREBASE_ADMIN mode against the Firebase Auth emulator", () => {
  it("accepts a freshly issued ID token and returns the user it belongs to", async () => {
    expect(authenticator.mode).toBe("FIREBASE_ADMIN");
    const account = newAccount();
    const { localId, idToken } = await emulator.signUp(account);

    await expect(authenticator.authenticate(`Bearer ${idToken}`)).resolves.toEqual({
      uid: localId,
      email: account.email,
      name: account.displayName,
      method: "FIREBASE",
    });
  });

  it("rejects a disabled account with 403 auth_disabled", async () => {
    const { localId, idToken } = await emulator.signUp(newAccount());
    await emulator.disableUser(localId);

    const error = await rejection(authenticator.authenticate(`Bearer ${idToken}`));
    expect(error.code).toBe("auth_disabled");
    expect(error.status).toBe(403);
    expect(error.message).toBe("Account disabled");
  });

  // Note: with an emulator configured, firebase-admin checks revocation and
  // disabled state on every call regardless of verifyIdToken's checkRevoked
  // flag, so these tests prove the error mapping, not that we pass the flag.
  it("rejects a revoked token, and accepts the one from signing in again", async () => {
    const account = newAccount();
    const { localId, idToken } = await emulator.signUp(account);
    await expect(authenticator.authenticate(`Bearer ${idToken}`)).resolves.toMatchObject({ uid: localId });

    // Revocation has one-second resolution: revoke strictly after the sign-in second.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await emulator.revokeTokens(localId);

    const error = await rejection(authenticator.authenticate(`Bearer ${idToken}`));
    expect(error.code).toBe("auth_invalid");
    expect(error.status).toBe(401);
    expect(error.reason).toBe("auth/id-token-revoked");

    const again = await emulator.signIn(account);
    await expect(authenticator.authenticate(`Bearer ${again.idToken}`)).resolves.toMatchObject({ uid: localId });
  });

  it("rejects the token of a deleted account", async () => {
    const { localId, idToken } = await emulator.signUp(newAccount());
    await emulator.deleteUser(localId);

    const error = await rejection(authenticator.authenticate(`Bearer ${idToken}`));
    expect(error.code).toBe("auth_invalid");
    expect(error.reason).toBe("auth/user-not-found");
  });

  it("rejects a token whose audience is another project", async () => {
    const { idToken } = await emulator.signUp(newAccount());
    // Emulator tokens are unsigned, so re-encoding the payload is all it takes to retarget one.
    const [header, payload] = idToken.split(".");
    const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
    const retargeted = Buffer.from(JSON.stringify({ ...claims, aud: "demo-elsewhere" })).toString("base64url");

    const error = await rejection(authenticator.authenticate(`Bearer ${header}.${retargeted}.`));
    expect(error.code).toBe("auth_invalid");
    expect(error.reason).toBe("auth/argument-error");
  });

  it("rejects garbage and reports a missing header as auth_missing", async () => {
    const garbage = await rejection(authenticator.authenticate("Bearer definitely.not.a-token"));
    expect(garbage.code).toBe("auth_invalid");
    const missing = await rejection(authenticator.authenticate(undefined));
    expect(missing.code).toBe("auth_missing");
  });

  it("works against the emulator without a service account, and restores the environment on close", async () => {
    const before = process.env.FIREBASE_AUTH_EMULATOR_HOST;
    const credentialless = createAuthenticator({
      firebaseProjectId: PROJECT_ID,
      firebaseAuthEmulatorHost: emulator.host,
    });
    expect(credentialless.mode).toBe("FIREBASE_ADMIN");
    const { localId, idToken } = await emulator.signUp(newAccount());
    await expect(credentialless.authenticate(`Bearer ${idToken}`)).resolves.toMatchObject({ uid: localId });
    await credentialless.close();
    expect(process.env.FIREBASE_AUTH_EMULATOR_HOST).toBe(before);
  });

  // Last in the file: it stops the emulator (afterAll's stop is then a no-op).
  it("answers auth_unavailable (503), not auth_invalid, when the identity service is unreachable", async () => {
    const { idToken } = await emulator.signUp(newAccount());
    await emulator.stop();
    const error = await rejection(authenticator.authenticate(`Bearer ${idToken}`));
    expect(error).toMatchObject({ code: "auth_unavailable", status: 503 });
  });
});
