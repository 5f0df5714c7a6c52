import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { AuthError, type Authenticator, createAuthenticator } from "../src/index";
import { type JwksServer, startJwksServer } from "./jwks-server";
import {
  base64UrlJson,
  firebaseClaims,
  generateSigningKey,
  publicKeyPem,
  type SigningKey,
  signFirebaseToken,
} from "./tokens";

const PROJECT_ID = "scryon-test";

let jwks: JwksServer;
let googleKey: SigningKey;
let strangerKey: SigningKey;

beforeAll(async () => {
  googleKey = await generateSigningKey("google-key-1");
  strangerKey = await generateSigningKey("stranger-key");
  jwks = await startJwksServer([googleKey.publicJwk]);
});

afterAll(async () => {
  await jwks?.close();
});

function newAuthenticator(): Authenticator {
  return createAuthenticator({ firebaseProjectId: PROJECT_ID, jwksUrl: jwks.url, clockToleranceSeconds: 5 });
}

async function rejection(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

async function expectInvalid(authenticator: Authenticator, header: string | undefined, reason?: string | RegExp) {
  const error = await rejection(authenticator.authenticate(header));
  expect(error.code).toBe("auth_invalid");
  expect(error.status).toBe(401);
  expect(error.message).toBe("Invalid or expired credentials");
  if (reason !== undefined) expect(error.reason).toMatch(reason);
  return error;
}

describe("FIREBASE_JWKS mode", () => {
  it("accepts a well-formed Firebase ID token and returns who it names", async () => {
    const authenticator = newAuthenticator();
    expect(authenticator.mode).toBe("FIREBASE_JWKS");
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));

    await expect(authenticator.authenticate(`Bearer ${token}`)).resolves.toEqual({
      uid: "u8kZ3mQ1rT5vX7yA9bC2dE4fG6h1",
      email: "ada@example.com",
      name: "Ada Lovelace",
      method: "FIREBASE",
    });
  });

  it("treats the scheme case-insensitively and reports absent profile fields as null", async () => {
    const authenticator = newAuthenticator();
    const token = await signFirebaseToken(
      googleKey,
      firebaseClaims(PROJECT_ID, { sub: "phone-user", email: undefined, name: undefined }),
    );

    await expect(authenticator.authenticate(`bEaReR   ${token}  `)).resolves.toEqual({
      uid: "phone-user",
      email: null,
      name: null,
      method: "FIREBASE",
    });
  });

  it("fetches the key set once and serves later verifications from cache", async () => {
    const authenticator = newAuthenticator();
    const before = jwks.requestCount();
    for (const sub of ["a", "b", "c"]) {
      const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { sub }));
      await expect(authenticator.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ uid: sub });
    }
    expect(jwks.requestCount() - before).toBe(1);
  });

  it("reports a missing or empty bearer credential as auth_missing", async () => {
    const authenticator = newAuthenticator();
    for (const header of [undefined, "", "   ", "Bearer", "Bearer   "]) {
      const error = await rejection(authenticator.authenticate(header));
      expect(error.code).toBe("auth_missing");
      expect(error.status).toBe(401);
    }
  });

  it("rejects other schemes and malformed bearer values", async () => {
    const authenticator = newAuthenticator();
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
    await expectInvalid(authenticator, `Basic ${Buffer.from("ada:secret").toString("base64")}`, "unsupported_scheme");
    await expectInvalid(authenticator, `Token ${token}`, "unsupported_scheme");
    await expectInvalid(authenticator, `Bearer ${token} extra`, "malformed_bearer_token");
  });

  it("rejects garbage", async () => {
    const authenticator = newAuthenticator();
    await expectInvalid(authenticator, "Bearer not-a-jwt");
    await expectInvalid(authenticator, "Bearer a.b.c");
    await expectInvalid(authenticator, `Bearer ${"x".repeat(20_000)}`, "token_too_long");
  });

  it("rejects an expired token", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signFirebaseToken(
      googleKey,
      firebaseClaims(PROJECT_ID, { iat: now - 7200, auth_time: now - 7200, exp: now - 3600 }),
    );
    await expectInvalid(newAuthenticator(), `Bearer ${token}`, "err_jwt_expired");
  });

  it("honours the clock tolerance for a token that expired a moment ago", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { exp: now - 2 }));
    await expect(newAuthenticator().authenticate(`Bearer ${token}`)).resolves.toMatchObject({ method: "FIREBASE" });
    const strict = createAuthenticator({ firebaseProjectId: PROJECT_ID, jwksUrl: jwks.url, clockToleranceSeconds: 0 });
    await expectInvalid(strict, `Bearer ${token}`, "err_jwt_expired");
  });

  it("rejects a token minted for another Firebase project", async () => {
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { aud: "someone-elses-project" }));
    await expectInvalid(newAuthenticator(), `Bearer ${token}`, "claim_aud_check_failed");
  });

  it("rejects a token from another issuer", async () => {
    const token = await signFirebaseToken(
      googleKey,
      firebaseClaims(PROJECT_ID, { iss: "https://securetoken.google.com/someone-elses-project" }),
    );
    await expectInvalid(newAuthenticator(), `Bearer ${token}`, "claim_iss_check_failed");
  });

  it("rejects a token signed by a key Google did not publish, whatever kid it claims", async () => {
    const authenticator = newAuthenticator();
    const claims = firebaseClaims(PROJECT_ID);
    await expectInvalid(
      authenticator,
      `Bearer ${await signFirebaseToken(strangerKey, claims, googleKey.kid)}`,
      "err_jws_signature_verification_failed",
    );
    await expectInvalid(
      authenticator,
      `Bearer ${await signFirebaseToken(strangerKey, claims)}`,
      "err_jwks_no_matching_key",
    );
  });

  it("rejects an unsigned (alg: none) token", async () => {
    const header = base64UrlJson({ alg: "none", typ: "JWT", kid: googleKey.kid });
    const unsigned = `${header}.${base64UrlJson(firebaseClaims(PROJECT_ID))}.`;
    await expectInvalid(newAuthenticator(), `Bearer ${unsigned}`);
  });

  it("rejects an HS256 token keyed with the public key (algorithm confusion)", async () => {
    const secret = new TextEncoder().encode(await publicKeyPem(googleKey));
    const token = await new SignJWT(firebaseClaims(PROJECT_ID))
      .setProtectedHeader({ alg: "HS256", kid: googleKey.kid, typ: "JWT" })
      .sign(secret);
    await expectInvalid(newAuthenticator(), `Bearer ${token}`, "err_jose_alg_not_allowed");
  });

  it("rejects a token whose sign-in time or issue time lies in the future", async () => {
    const authenticator = newAuthenticator();
    const inAnHour = Math.floor(Date.now() / 1000) + 3600;
    const futureAuth = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { auth_time: inAnHour }));
    await expectInvalid(authenticator, `Bearer ${futureAuth}`, "auth_time_invalid");
    const futureIat = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { iat: inAnHour }));
    await expectInvalid(authenticator, `Bearer ${futureIat}`, "iat_invalid");
  });

  it("rejects a token missing auth_time", async () => {
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { auth_time: undefined }));
    await expectInvalid(newAuthenticator(), `Bearer ${token}`, "claim_auth_time_missing");
  });

  it("rejects an empty or over-long subject", async () => {
    const authenticator = newAuthenticator();
    const emptySub = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { sub: "" }));
    await expectInvalid(authenticator, `Bearer ${emptySub}`, "sub_invalid");
    const longSub = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { sub: "x".repeat(129) }));
    await expectInvalid(authenticator, `Bearer ${longSub}`, "sub_invalid");
    const maxSub = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { sub: "x".repeat(128) }));
    await expect(authenticator.authenticate(`Bearer ${maxSub}`)).resolves.toMatchObject({ uid: "x".repeat(128) });
  });

  it("never puts token contents or the failure cause in the client-facing message", async () => {
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID, { aud: "other" }));
    const error = await expectInvalid(newAuthenticator(), `Bearer ${token}`);
    expect(error.message).not.toMatch(/aud|ada|example\.com|other/i);
  });

  it("reports an unreachable key set as auth_unavailable (503), never as bad credentials", async () => {
    const offline = await startJwksServer([]);
    const url = offline.url;
    await offline.close();
    const authenticator = createAuthenticator({ firebaseProjectId: PROJECT_ID, jwksUrl: url });
    const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
    const error = await rejection(authenticator.authenticate(`Bearer ${token}`));
    expect(error).toMatchObject({ code: "auth_unavailable", status: 503, reason: "jwks_unavailable" });
  });
});

describe("FIREBASE_JWKS key server outages", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("bounds a hanging key server by the fetch timeout and answers auth_unavailable", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const hanging = createServer(() => {
      /* never answers */
    });
    hanging.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
    const { port } = hanging.address() as AddressInfo;
    try {
      const authenticator = createAuthenticator({
        firebaseProjectId: PROJECT_ID,
        jwksUrl: `http://127.0.0.1:${port}/keys`,
        keyFetchTimeoutMs: 200,
      });
      const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
      const error = await rejection(authenticator.authenticate(`Bearer ${token}`));
      expect(error).toMatchObject({ code: "auth_unavailable", status: 503, reason: "jwks_timeout" });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });

  it("without cached keys: 503 while the server is down, verifies again the moment it is back", async () => {
    const server = await startJwksServer([googleKey.publicJwk]);
    try {
      await server.goDown();
      const authenticator = createAuthenticator({ firebaseProjectId: PROJECT_ID, jwksUrl: server.url });
      const token = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
      for (let i = 0; i < 3; i++)
        expect(await rejection(authenticator.authenticate(`Bearer ${token}`))).toMatchObject({
          code: "auth_unavailable",
        });
      await server.comeBack();
      await expect(authenticator.authenticate(`Bearer ${token}`)).resolves.toMatchObject({ method: "FIREBASE" });
    } finally {
      await server.close();
    }
  });

  it("serves keys past their max-age while the server is unreachable (stale-if-error), and refreshes when it is back", async () => {
    const server = await startJwksServer([googleKey.publicJwk]);
    try {
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      const authenticator = createAuthenticator({ firebaseProjectId: PROJECT_ID, jwksUrl: server.url });
      const first = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
      await expect(authenticator.authenticate(`Bearer ${first}`)).resolves.toMatchObject({ method: "FIREBASE" });
      expect(server.requestCount()).toBe(1);

      await server.goDown();
      vi.setSystemTime(Date.now() + 21_600_000 + 60_000); // past the served max-age
      const later = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
      await expect(authenticator.authenticate(`Bearer ${later}`)).resolves.toMatchObject({ method: "FIREBASE" });
      // A forged token is still refused as invalid: stale keys are real keys.
      const forged = await signFirebaseToken(strangerKey, firebaseClaims(PROJECT_ID), googleKey.kid);
      await expectInvalid(authenticator, `Bearer ${forged}`);

      await server.comeBack();
      vi.setSystemTime(Date.now() + 10_000); // past the retry pause after the failed refresh
      await expect(authenticator.authenticate(`Bearer ${later}`)).resolves.toMatchObject({ method: "FIREBASE" });
      await vi.waitFor(() => expect(server.requestCount()).toBe(2));
    } finally {
      await server.close();
    }
  });
});

describe("FIREBASE_JWKS key rotation", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("picks up a newly published kid once jose's refetch cooldown has passed", async () => {
    const rotating = await startJwksServer([googleKey.publicJwk]);
    try {
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
      const authenticator = createAuthenticator({ firebaseProjectId: PROJECT_ID, jwksUrl: rotating.url });
      const oldToken = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
      await expect(authenticator.authenticate(`Bearer ${oldToken}`)).resolves.toMatchObject({ method: "FIREBASE" });
      expect(rotating.requestCount()).toBe(1);

      const nextKey = await generateSigningKey("google-key-2");
      rotating.serveKeys([nextKey.publicJwk]);

      // Within the cooldown an unknown kid must not trigger a refetch: that
      // is what stops forged kids from hammering the key endpoint.
      const tooEarly = await signFirebaseToken(nextKey, firebaseClaims(PROJECT_ID));
      await expectInvalid(authenticator, `Bearer ${tooEarly}`, "err_jwks_no_matching_key");
      expect(rotating.requestCount()).toBe(1);

      vi.setSystemTime(Date.now() + 31_000);
      const newToken = await signFirebaseToken(nextKey, firebaseClaims(PROJECT_ID));
      await expect(authenticator.authenticate(`Bearer ${newToken}`)).resolves.toMatchObject({ method: "FIREBASE" });
      expect(rotating.requestCount()).toBe(2);

      // The retired key is gone from the set, so its tokens no longer verify.
      const retired = await signFirebaseToken(googleKey, firebaseClaims(PROJECT_ID));
      await expectInvalid(authenticator, `Bearer ${retired}`, "err_jwks_no_matching_key");
    } finally {
      await rotating.close();
    }
  });
});
