export { AuthError, type AuthErrorCode } from "./errors";
export type { AuthenticatedPrincipal, AuthenticationMethod } from "./principal";
export {
  createAuthenticator,
  GOOGLE_SECURETOKEN_JWKS_URL,
  type Authenticator,
  type AuthenticatorMode,
  type AuthenticatorOptions,
} from "./authenticator";
export { verifyApiKey } from "./api-key";
