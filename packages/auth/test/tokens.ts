import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from "jose";

export type SigningKey = { kid: string; privateKey: CryptoKey; publicKey: CryptoKey; publicJwk: JWK };

export async function generateSigningKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  return { kid, privateKey, publicKey, publicJwk };
}

export function publicKeyPem(key: SigningKey): Promise<string> {
  return exportSPKI(key.publicKey);
}

/** The claims a real Firebase ID token carries for an email/password user. */
export function firebaseClaims(projectId: string, overrides: Record<string, unknown> = {}): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  const uid = "u8kZ3mQ1rT5vX7yA9bC2dE4fG6h1";
  return {
    iss: `https://securetoken.google.com/${projectId}`,
    aud: projectId,
    auth_time: now - 60,
    user_id: uid,
    sub: uid,
    iat: now - 10,
    exp: now + 3600,
    email: "ada@example.com",
    email_verified: true,
    name: "Ada Lovelace",
    firebase: { identities: { email: ["ada@example.com"] }, sign_in_provider: "password" },
    ...overrides,
  };
}

/** Signs like Firebase does: RS256 with the key id in the header. */
export function signFirebaseToken(key: SigningKey, claims: JWTPayload, kid: string = key.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid, typ: "JWT" }).sign(key.privateKey);
}

export function base64UrlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
