/**
 * `POST /oauth/token` (authorization_code, refresh_token) and RFC 7009 `POST /oauth/revoke`.
 * Errors use the RFC 6749 §5.2 shape; a client that failed authentication — an unknown
 * `client_id`, or an `Authorization: Basic` header that does not decode — gets 401
 * `invalid_client`, and nothing here answers 500 on bad input.
 */
import { Data, Effect, Either, Option } from "effect"
import type { ClientRegistry } from "./clientRegistry.ts"
import { type Grants, TokenError } from "./grants.ts"
import { bodyTooLarge, clientIdOf, formBody, jsonResponse, oauthError } from "./oauthHttp.ts"

/** RFC 6749 §5.2: a client that failed authentication gets 401. */
const tokenErrorResponse = (error: TokenError) =>
  oauthError(error.error, error.description, error.error === "invalid_client" ? 401 : 400)

/** The body was over the 64 KiB bound: 413, in the OAuth error shape. */
class FormTooLarge extends Data.TaggedError("FormTooLarge")<{}> {}

/** The form fields, or the `invalid_request` explaining how to send them. */
const formFields = (what: string) =>
  Effect.flatMap(formBody, (form): Effect.Effect<URLSearchParams, TokenError | FormTooLarge> =>
    Either.isRight(form)
      ? Effect.succeed(form.right)
      : form.left === "too-large"
      ? Effect.fail(new FormTooLarge())
      : Effect.fail(
        new TokenError({
          error: "invalid_request",
          description: `Send the ${what} request as application/x-www-form-urlencoded`
        })
      ))

const refusals = {
  TokenError: (error: TokenError) => Effect.succeed(tokenErrorResponse(error)),
  FormTooLarge: () => Effect.succeed(oauthError("invalid_request", bodyTooLarge, 413))
}

export const makeTokenRoutes = (options: { readonly clients: ClientRegistry; readonly grants: Grants }) => {
  const { clients, grants } = options

  const token = Effect.gen(function*() {
    const fields = yield* formFields("token")
    const clientId = yield* clientIdOf(fields)
    const optional = (name: string) => fields.get(name) ?? undefined
    const required = (name: string) =>
      Option.match(Option.fromNullable(fields.get(name)).pipe(Option.filter((value) => value !== "")), {
        onNone: () => Effect.fail(new TokenError({ error: "invalid_request", description: `${name} is missing` })),
        onSome: Effect.succeed
      })
    if (clientId === undefined) {
      return yield* new TokenError({ error: "invalid_request", description: "client_id is missing" })
    }
    if (!(yield* clients.isKnown(clientId))) {
      return yield* new TokenError({
        error: "invalid_client",
        description: "Unknown client_id (registrations do not survive a restart of the dev server); register again"
      })
    }
    const grantType = fields.get("grant_type")
    const issued = grantType === "authorization_code"
      ? yield* grants.exchangeCode({
        code: yield* required("code"),
        clientId,
        redirectUri: optional("redirect_uri"),
        codeVerifier: optional("code_verifier"),
        resource: optional("resource")
      })
      : grantType === "refresh_token"
      ? yield* grants.refresh({
        refreshToken: yield* required("refresh_token"),
        clientId,
        scope: optional("scope"),
        resource: optional("resource")
      })
      : yield* new TokenError({
        error: "unsupported_grant_type",
        description: "grant_type must be authorization_code or refresh_token"
      })
    // A client that received tokens is in use: its registration is kept (registeredClients.ts).
    yield* clients.markUsed(clientId)
    return jsonResponse(issued, 200)
  }).pipe(Effect.catchTags(refusals))

  const revoke = Effect.gen(function*() {
    const fields = yield* formFields("revocation")
    const tokenValue = fields.get("token") ?? ""
    if (tokenValue === "") {
      return oauthError("invalid_request", "Send token=… as application/x-www-form-urlencoded")
    }
    yield* grants.revoke(tokenValue, yield* clientIdOf(fields))
    return jsonResponse({}, 200)
  }).pipe(Effect.catchTags(refusals))

  return { token, revoke }
}
