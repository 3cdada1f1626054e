/**
 * The dev authorization server's RFC 8414 metadata, also served as the OpenID discovery
 * document (`/.well-known/openid-configuration`) for clients that only look there. It
 * advertises exactly what the server does: public clients with PKCE S256, dynamic registration
 * and Client ID Metadata Documents, the `iss` response parameter (RFC 9207), revocation.
 */
import { manaScopes } from "../../../auth/scopes.ts"

export const oauthPaths = {
  authorize: "/oauth/authorize",
  signIn: "/oauth/authorize/sign-in",
  consent: "/oauth/authorize/consent",
  token: "/oauth/token",
  register: "/oauth/register",
  revoke: "/oauth/revoke"
} as const

export const authorizationServerMetadata = (issuer: string) => ({
  issuer,
  authorization_endpoint: `${issuer}${oauthPaths.authorize}`,
  token_endpoint: `${issuer}${oauthPaths.token}`,
  registration_endpoint: `${issuer}${oauthPaths.register}`,
  revocation_endpoint: `${issuer}${oauthPaths.revoke}`,
  jwks_uri: `${issuer}/api/auth/jwks`,
  scopes_supported: manaScopes,
  response_types_supported: ["code"],
  response_modes_supported: ["query"],
  grant_types_supported: ["authorization_code", "refresh_token"],
  token_endpoint_auth_methods_supported: ["none"],
  revocation_endpoint_auth_methods_supported: ["none"],
  code_challenge_methods_supported: ["S256"],
  client_id_metadata_document_supported: true,
  authorization_response_iss_parameter_supported: true,
  subject_types_supported: ["public"]
})
