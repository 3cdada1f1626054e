/**
 * What a client says about itself, in an RFC 7591 registration or a Client ID Metadata Document,
 * and the rules it must meet: public clients (`none`) with the code and refresh grants, valid
 * redirect URIs, and bounds — a name of at most 200 characters without control or bidirectional
 * formatting characters (it is shown on the consent page), at most 10 redirect URIs of at most
 * 2 000 characters each. Not responsible for where the metadata came from.
 */
import { Data, Effect, Schema } from "effect"
import { textProblem } from "../../../tools/kit/fields/text.ts"
import { redirectUriProblem } from "./redirectUris.ts"

export interface OAuthClient {
  readonly clientId: string
  readonly clientName: string
  readonly redirectUris: ReadonlyArray<string>
  readonly kind: "registered" | "metadata-document"
}

/** RFC 7591 §3.2.2: `invalid_redirect_uri` or `invalid_client_metadata`, with what was wrong. */
export class RegistrationRejected extends Data.TaggedError("RegistrationRejected")<{
  readonly error: "invalid_redirect_uri" | "invalid_client_metadata"
  readonly description: string
}> {}

export const ClientMetadata = Schema.Struct({
  redirect_uris: Schema.Array(Schema.String),
  client_name: Schema.optional(Schema.String),
  token_endpoint_auth_method: Schema.optional(Schema.String),
  grant_types: Schema.optional(Schema.Array(Schema.String)),
  response_types: Schema.optional(Schema.Array(Schema.String)),
  scope: Schema.optional(Schema.String)
})
type ClientMetadata = typeof ClientMetadata.Type

export const MetadataDocument = Schema.Struct({ client_id: Schema.String, ...ClientMetadata.fields })

const clientLimits = {
  nameCharacters: 200,
  redirectUris: 10,
  redirectUriCharacters: 2_000
} as const

const supportedGrants = ["authorization_code", "refresh_token"]

/** The name, redirect URIs, grants and auth method checked; the reason a client cannot be accepted otherwise. */
export const checkMetadata = (metadata: ClientMetadata): Effect.Effect<void, RegistrationRejected> =>
  Effect.gen(function*() {
    const rejected = (error: RegistrationRejected["error"], description: string) =>
      Effect.fail(new RegistrationRejected({ error, description }))
    const uris = metadata.redirect_uris
    if (uris.length === 0) return yield* rejected("invalid_redirect_uri", "redirect_uris is empty")
    if (uris.length > clientLimits.redirectUris) {
      return yield* rejected(
        "invalid_redirect_uri",
        `redirect_uris has ${uris.length} entries; at most ${clientLimits.redirectUris} are accepted`
      )
    }
    for (const uri of uris) {
      if (uri.length > clientLimits.redirectUriCharacters) {
        return yield* rejected(
          "invalid_redirect_uri",
          `a redirect URI is ${uri.length} characters long; at most ${clientLimits.redirectUriCharacters} are accepted`
        )
      }
      const problem = redirectUriProblem(uri)
      if (problem !== undefined) return yield* rejected("invalid_redirect_uri", problem)
    }
    if (metadata.client_name !== undefined) {
      const problem = textProblem(metadata.client_name.trim(), { min: 0, max: clientLimits.nameCharacters })
      if (problem !== undefined) {
        return yield* rejected(
          "invalid_client_metadata",
          `client_name ${problem}; accepted: up to ${clientLimits.nameCharacters} characters of plain text`
        )
      }
    }
    const method = metadata.token_endpoint_auth_method ?? "none"
    if (method !== "none") {
      return yield* rejected(
        "invalid_client_metadata",
        `token_endpoint_auth_method "${method}" is not supported; this server registers public clients ("none") with PKCE`
      )
    }
    const grant = (metadata.grant_types ?? []).find((entry) => !supportedGrants.includes(entry))
    if (grant !== undefined) {
      return yield* rejected("invalid_client_metadata", `grant_type "${grant}" is not supported`)
    }
    const responseType = (metadata.response_types ?? []).find((entry) => entry !== "code")
    if (responseType !== undefined) {
      return yield* rejected("invalid_client_metadata", `response_type "${responseType}" is not supported`)
    }
  })
