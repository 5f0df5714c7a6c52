import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createAuthenticator } from "../src/index";

const EMULATOR_ENV = "FIREBASE_AUTH_EMULATOR_HOST";

function servicePrivateKeyPem(): string {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

describe("createAuthenticator mode selection", () => {
  const inheritedEmulator = process.env[EMULATOR_ENV];
  afterEach(() => {
    if (inheritedEmulator === undefined) delete process.env[EMULATOR_ENV];
    else process.env[EMULATOR_ENV] = inheritedEmulator;
  });

  it("falls back to a fixed local developer when Firebase is not configured", async () => {
    for (const options of [{}, { firebaseProjectId: null }, { firebaseProjectId: "  " }]) {
      const authenticator = createAuthenticator(options);
      expect(authenticator.mode).toBe("LOCAL_DEV");
      for (const header of [undefined, "Bearer whatever", "Basic abc"]) {
        await expect(authenticator.authenticate(header)).resolves.toEqual({
          uid: "local-dev",
          email: null,
          name: "Local Developer",
          method: "LOCAL_DEV",
        });
      }
      await authenticator.close();
    }
  });

  it("verifies tokens against the JWKS when only a project id is set", () => {
    expect(createAuthenticator({ firebaseProjectId: "scryon-test" }).mode).toBe("FIREBASE_JWKS");
  });

  it("uses the Admin SDK when a service account is configured, unescaping \\n in the key", async () => {
    const escapedKey = servicePrivateKeyPem().replace(/\n/g, "\\n");
    expect(escapedKey).not.toContain("\n");
    const authenticator = createAuthenticator({
      firebaseProjectId: "scryon-test",
      firebaseClientEmail: "scryon@scryon-test.iam.gserviceaccount.com",
      firebasePrivateKey: escapedKey,
    });
    expect(authenticator.mode).toBe("FIREBASE_ADMIN");
    await authenticator.close();
    await authenticator.close();
  });

  it("refuses a private key that is not a PEM key, naming the variable", () => {
    expect(() =>
      createAuthenticator({
        firebaseProjectId: "scryon-test",
        firebaseClientEmail: "scryon@scryon-test.iam.gserviceaccount.com",
        firebasePrivateKey: "-----BEGIN PRIVATE KEY-----\\nnot really a key\\n-----END PRIVATE KEY-----",
      }),
    ).toThrow(/FIREBASE_PRIVATE_KEY/);
  });

  it("refuses half a service account instead of silently dropping revocation checks", () => {
    expect(() =>
      createAuthenticator({
        firebaseProjectId: "scryon-test",
        firebaseClientEmail: "scryon@scryon-test.iam.gserviceaccount.com",
      }),
    ).toThrow(/FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY/);
    expect(() =>
      createAuthenticator({ firebaseProjectId: "scryon-test", firebasePrivateKey: servicePrivateKeyPem() }),
    ).toThrow(/FIREBASE_CLIENT_EMAIL and FIREBASE_PRIVATE_KEY/);
  });

  it("refuses Firebase credentials without a project id instead of silently disabling auth", () => {
    expect(() =>
      createAuthenticator({
        firebaseClientEmail: "scryon@scryon-test.iam.gserviceaccount.com",
        firebasePrivateKey: servicePrivateKeyPem(),
      }),
    ).toThrow(/FIREBASE_PROJECT_ID/);
    expect(() => createAuthenticator({ firebaseAuthEmulatorHost: "127.0.0.1:9099" })).toThrow(/FIREBASE_PROJECT_ID/);
  });

  it("refuses an emulator host inherited from the environment, which would make firebase-admin trust unsigned tokens", () => {
    process.env[EMULATOR_ENV] = "127.0.0.1:9099";
    expect(() =>
      createAuthenticator({
        firebaseProjectId: "scryon-test",
        firebaseClientEmail: "scryon@scryon-test.iam.gserviceaccount.com",
        firebasePrivateKey: servicePrivateKeyPem(),
      }),
    ).toThrow(new RegExp(EMULATOR_ENV));
  });

  it("rejects a negative clock tolerance", () => {
    expect(() => createAuthenticator({ firebaseProjectId: "scryon-test", clockToleranceSeconds: -1 })).toThrow(
      /clockTolerance/,
    );
  });
});
