export { verifyApiKey } from "./api-key";
export {
  type Authenticator,
  type AuthenticatorMode,
  type AuthenticatorOptions,
  createAuthenticator,
  GOOGLE_SECURETOKEN_JWKS_URL,
} from "./authenticator";
export { AuthError, type AuthErrorCode } from "./errors";
export type { AuthenticatedPrincipal, AuthenticationMethod } from "./principal";
