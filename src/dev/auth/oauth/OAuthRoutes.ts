/**
 * The HTTP surface of the dev authorization server (local mode only): RFC 8414 metadata and
 * its OpenID alias, RFC 7591 registration, `/authorize` with the sign-in and consent pages
 * (authorizeRoutes.ts), `/token` and RFC 7009 `/revoke` (tokenRoutes.ts). Registration is open
 * but bounded: a 64 KiB body, the metadata rules of clientMetadata.ts, and a per-address rate
 * (429 with `Retry-After` beyond it). Protocol errors use the OAuth shapes (`error`,
 * `error_description`); nothing here answers 500 on bad input.
 */
import { HttpRouter } from "@effect/platform"
import { type Clock, type Duration, Effect, Either } from "effect"
import { boundedText } from "../boundedBody.ts"
import type { DevAuthCore } from "../DevAuthCore.ts"
import { makeAuthorizeRoutes } from "./authorizeRoutes.ts"
import { makeClientRegistry } from "./clientRegistry.ts"
import { makeGrants } from "./grants.ts"
import { authorizationServerMetadata, oauthPaths } from "./metadata.ts"
import { bodyTooLarge, jsonResponse, metadataResponse, oauthError, preflight, remoteAddress } from "./oauthHttp.ts"
import { makePendingAuthorizations } from "./pendingAuthorizations.ts"
import { makeTokenRoutes } from "./tokenRoutes.ts"

export interface OAuthServerOptions {
  readonly issuer: string
  readonly core: DevAuthCore
  readonly clock: Clock.Clock
  /** True for the gateway's resource URL(s): the only `resource` tokens are issued for. */
  readonly isResource: (resource: string) => boolean
  readonly accessTokenTtl: Duration.Duration
  /** Client metadata documents may be fetched from loopback and private addresses (local development only). */
  readonly allowPrivateClientDocuments: boolean
  /** The whole metadata document fetch (default 5 s). */
  readonly clientDocumentTimeout?: Duration.Duration
}

/** The registration body as JSON; `null` (refused by the metadata schema) when it is not JSON. */
const registrationBody = Effect.map(
  boundedText,
  (text) =>
    Either.flatMap(
      text,
      (body) => Either.right(Either.getOrElse(Either.try((): unknown => JSON.parse(body)), () => null))
    )
)

export const makeOAuthRoutes = (options: OAuthServerOptions) =>
  Effect.gen(function*() {
    const { clock, core, issuer } = options
    const clients = yield* makeClientRegistry({
      clock,
      allowPrivateAddresses: options.allowPrivateClientDocuments,
      ...(options.clientDocumentTimeout === undefined ? {} : { documentTimeout: options.clientDocumentTimeout })
    })
    const grants = yield* makeGrants({ signer: core.signer, clock, accessTokenTtl: options.accessTokenTtl })
    const pending = yield* makePendingAuthorizations(clock)
    const pages = makeAuthorizeRoutes({ issuer, core, clients, grants, pending, isResource: options.isResource })
    const tokens = makeTokenRoutes({ clients, grants })
    const metadata = metadataResponse(authorizationServerMetadata(issuer))

    const register = Effect.gen(function*() {
      const body = yield* registrationBody
      if (Either.isLeft(body)) {
        return body.left === "too-large"
          ? oauthError("invalid_client_metadata", bodyTooLarge, 413)
          : oauthError("invalid_request", "The request body could not be read")
      }
      const client = yield* clients.register(body.right, yield* remoteAddress)
      return jsonResponse({
        client_id: client.clientId,
        client_id_issued_at: Math.floor((yield* clock.currentTimeMillis) / 1000),
        client_name: client.clientName,
        redirect_uris: client.redirectUris,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none"
      }, 201)
    }).pipe(
      Effect.catchTags({
        RegistrationRejected: (rejected) => Effect.succeed(oauthError(rejected.error, rejected.description)),
        RegistrationThrottled: (throttled) =>
          Effect.succeed(
            oauthError(
              "temporarily_unavailable",
              `Too many registrations from this address; retry in ${throttled.retryAfter} s`,
              429,
              { "retry-after": String(throttled.retryAfter) }
            )
          )
      })
    )

    return HttpRouter.empty.pipe(
      HttpRouter.get("/.well-known/oauth-authorization-server", metadata),
      HttpRouter.get("/.well-known/openid-configuration", metadata),
      HttpRouter.options("/.well-known/oauth-authorization-server", Effect.succeed(preflight)),
      HttpRouter.options("/.well-known/openid-configuration", Effect.succeed(preflight)),
      HttpRouter.get(oauthPaths.authorize, pages.authorize),
      HttpRouter.post(oauthPaths.signIn, pages.signIn),
      HttpRouter.post(oauthPaths.consent, pages.consent),
      HttpRouter.post(oauthPaths.token, tokens.token),
      HttpRouter.options(oauthPaths.token, Effect.succeed(preflight)),
      HttpRouter.post(oauthPaths.register, register),
      HttpRouter.options(oauthPaths.register, Effect.succeed(preflight)),
      HttpRouter.post(oauthPaths.revoke, tokens.revoke),
      HttpRouter.options(oauthPaths.revoke, Effect.succeed(preflight))
    )
  })
