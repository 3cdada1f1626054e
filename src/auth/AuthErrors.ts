/**
 * The typed failures of checking a caller's bearer token, each with a message for the agent or
 * operator naming the exact problem and what is accepted. The transport maps `AuthFailed` to 401
 * and `AuthUnavailable` to 503. Messages never contain the token or any key material.
 */
import { Schema } from "effect"

export const AuthFailureReason = Schema.Literal(
  "missing-header",
  "malformed",
  "expired",
  "not-yet-valid",
  "wrong-audience",
  "wrong-issuer",
  "bad-signature",
  "unknown-key",
  "wrong-algorithm",
  "missing-subject",
  "inactive"
)
export type AuthFailureReason = typeof AuthFailureReason.Type

const send =
  "send \"Authorization: Bearer <mana-auth access token>\" (the `accessToken` JWT from POST /api/v1/auth/login)"

/** The request's credentials were refused; the client must send a different token. */
export class AuthFailed extends Schema.TaggedError<AuthFailed>()("AuthFailed", {
  reason: AuthFailureReason,
  /** What is accepted or what exactly was wrong, free of secrets (e.g. the accepted audience). */
  detail: Schema.optional(Schema.String)
}) {
  override get message() {
    switch (this.reason) {
      case "missing-header":
        return `Authorization header is missing; ${send}`
      case "malformed":
        return `The bearer token is not a usable mana-auth access token (${
          this.detail ?? "not a signed JWT"
        }); ${send}, not the opaque session \`token\``
      case "expired":
        return "The access token has expired (mana-auth access tokens last 15 minutes); refresh it (POST /api/v1/auth/refresh) and retry with the new one"
      case "not-yet-valid":
        return "The access token is not valid yet (its nbf lies in the future); check the clock of the machine that issued it"
      case "wrong-audience":
        return `The access token was issued for another audience (resource); accepted: aud ${
          this.detail ?? "\"mana\""
        }. Request a token for this gateway's resource URL`
      case "wrong-issuer":
        return `The access token was issued by an issuer this gateway does not trust; accepted issuers: ${
          this.detail ?? "the configured mana-auth URL"
        }`
      case "bad-signature":
        return "The access token's signature does not verify against mana-auth's published keys; use a token issued by this gateway's mana-auth"
      case "unknown-key":
        return "The access token is signed with a key id (kid) this mana-auth does not publish (another deployment, or a rotated key); log in again"
      case "wrong-algorithm":
        return "The access token is not signed with EdDSA; only EdDSA (Ed25519) tokens from mana-auth are accepted"
      case "missing-subject":
        return "The access token has no subject (sub) claim; only user access tokens from mana-auth are accepted"
      case "inactive":
        return "The authorization server reports the access token as not active (revoked, expired or unknown); refresh it or sign in again"
    }
  }
}

/** mana-auth's key set could not be fetched, so no token can be checked right now. */
export class AuthUnavailable extends Schema.TaggedError<AuthUnavailable>()("AuthUnavailable", {
  reason: Schema.Literal("network", "timeout", "bad-response")
}) {
  override get message() {
    const what = this.reason === "timeout"
      ? "did not answer in time"
      : this.reason === "network"
      ? "could not be reached"
      : "answered with an unusable key set"
    return `mana-auth ${what} while fetching its signing keys (JWKS), so the access token could not be checked. This is temporary: retry in a moment.`
  }
}
