/**
 * Turns the headers of one HTTP request into a `Caller`, or into the HTTP refusal that explains
 * exactly what is wrong: 401 (token missing/invalid/expired or minted for another resource, with
 * the RFC 9728 `WWW-Authenticate` challenge and RFC 6750 `error="invalid_token"`), 503 (mana-auth
 * unreachable), 400 (no space: neither `X-Mana-Space` nor a token granted for one space, listing
 * the caller's spaces), 403 (not a member of that space, or a header naming another space than
 * the token's grant). Runs for every request of both protocol eras.
 */
import { Effect, Option, Redacted } from "effect"
import type { AuthShape } from "../../auth/Auth.ts"
import type { SpaceDirectoryShape, SpacesError } from "../../auth/SpaceDirectory.ts"
import type { CallerShape } from "../../domain/Caller.ts"
import { AuthServerUnavailable, ForbiddenSpace, MissingSpace, SpaceMismatch, Unauthorized } from "./HttpFailure.ts"
import { resourceUrlOf } from "./resourceUrl.ts"

export const resourceMetadataPath = "/.well-known/oauth-protected-resource"

/** The gateway's public origin: PUBLIC_URL when set, else the origin the request was sent to. */
export const publicBaseOf = (publicUrl: Option.Option<URL>, requestUrl: string): string =>
  Option.match(publicUrl, { onNone: () => new URL(requestUrl).origin, onSome: (url) => url.origin })

export const bearerChallenge = (publicBase: string, error?: { readonly description: string }) =>
  `Bearer resource_metadata="${publicBase}${resourceMetadataPath}"` +
  (error === undefined
    ? ""
    : `, error="invalid_token", error_description="${error.description.replace(/["\\]/g, "'")}"`)

/** RFC 6750 §3.1: the token lacks `scope`; OAuth clients answer this by asking the user for more. */
export const insufficientScopeChallenge = (publicBase: string, scope: string, description: string) =>
  `Bearer error="insufficient_scope", scope="${scope}", resource_metadata="${publicBase}${resourceMetadataPath}", error_description="${
    description.replace(/["\\]/g, "'")
  }"`

export const makeAuthenticate =
  (auth: AuthShape, spaces: SpaceDirectoryShape) => (request: Request, publicBase: string) =>
    Effect.gen(function*() {
      const authorization = request.headers.get("authorization") ?? undefined
      const verified = yield* auth.verify(authorization, resourceUrlOf(publicBase)).pipe(
        Effect.catchTags({
          AuthFailed: (failure) =>
            Effect.fail(
              new Unauthorized({
                message: failure.message,
                reason: failure.reason,
                challenge: bearerChallenge(
                  publicBase,
                  failure.reason === "missing-header" ? undefined : { description: failure.message }
                )
              })
            ),
          AuthUnavailable: (failure) => Effect.fail(new AuthServerUnavailable({ message: failure.message }))
        })
      )
      const refuseSpaces = <A>(effect: Effect.Effect<A, SpacesError>) =>
        effect.pipe(
          Effect.catchTags({
            SpacesUnauthorized: (failure) =>
              Effect.fail(
                new Unauthorized({
                  message: failure.message,
                  challenge: bearerChallenge(publicBase, { description: failure.message })
                })
              ),
            SpacesUnavailable: (failure) => Effect.fail(new AuthServerUnavailable({ message: failure.message }))
          })
        )
      const listSpaces = refuseSpaces(spaces.spacesOf(verified.principal, verified.token)).pipe(
        Effect.map((all) => all.map((space) => ({ id: space.id, name: space.name })))
      )
      const header = request.headers.get("x-mana-space")?.trim() ?? ""
      // A delegated token names the one space the user allowed; the header may only repeat it.
      const granted = verified.principal.space
      if (granted !== undefined && header !== "" && header !== granted) {
        return yield* Effect.fail(new SpaceMismatch({ granted, requested: header }))
      }
      const spaceId = header !== "" ? header : granted ?? ""
      if (spaceId === "") {
        const listed = yield* listSpaces
        return yield* Effect.fail(new MissingSpace({ spaces: listed }))
      }
      const member = yield* refuseSpaces(spaces.find(verified.principal, verified.token, spaceId)).pipe(
        // The header is unverified client input until membership is known: not an attribute.
        Effect.withSpan("SpaceDirectory.check", { captureStackTrace: false })
      )
      if (Option.isNone(member)) {
        const listed = yield* listSpaces
        return yield* Effect.fail(new ForbiddenSpace({ spaceId, spaces: listed }))
      }
      const traceparent = request.headers.get("traceparent") ?? undefined
      // Cached with the membership list: no extra upstream call.
      const personal = yield* refuseSpaces(spaces.spacesOf(verified.principal, verified.token)).pipe(
        Effect.map((all) => all.find((space) => space.type === "personal")?.id)
      )
      return {
        principal: verified.principal,
        spaceId,
        personalSpaceId: personal,
        token: verified.token,
        traceparent
      } satisfies CallerShape
    })

/** The SDK's `authInfo` for a verified caller; the caller rides along for the tool handlers. */
export const authInfoOf = (caller: CallerShape, envelope: object) => ({
  token: Redacted.value(caller.token),
  clientId: caller.principal.clientId ?? "mana-mcp",
  scopes: [...(caller.principal.scopes ?? [])],
  expiresAt: caller.principal.expiresAt,
  extra: { caller: envelope }
})
