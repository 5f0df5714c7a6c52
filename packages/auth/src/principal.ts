export type AuthenticationMethod = "FIREBASE" | "LOCAL_DEV";

/** Who made the request, as vouched for by the identity provider. */
export type AuthenticatedPrincipal = {
  uid: string;
  email: string | null;
  name: string | null;
  method: AuthenticationMethod;
};

export const LOCAL_DEV_PRINCIPAL: Readonly<AuthenticatedPrincipal> = Object.freeze({
  uid: "local-dev",
  email: null,
  name: "Local Developer",
  method: "LOCAL_DEV",
});

/** Firebase caps uids at 128 characters; anything else is not a Firebase token. */
const MAX_UID_LENGTH = 128;

export function isValidUid(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_UID_LENGTH;
}

/** Builds the principal from verified Firebase ID token claims (`uid` must already be checked). */
export function firebasePrincipal(uid: string, claims: Record<string, unknown>): AuthenticatedPrincipal {
  return {
    uid,
    email: nonEmptyString(claims.email),
    name: nonEmptyString(claims.name),
    method: "FIREBASE",
  };
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === "string" && value.length > 0 ? value : null;
}
