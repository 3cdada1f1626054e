/**
 * RFC 7662 token introspection, for authorization servers that issue opaque access tokens:
 * `POST {OAUTH_INTROSPECTION_URL}` with `token=…` (HTTP Basic with the gateway's own client
 * credentials when configured), under the upstream timeout, through the upstream helper's timed
 * `fetch` (it is not a bearer-token call, so not `makeUpstreamCall`). An active answer becomes the same
 * claims a JWT would carry; an inactive one is `AuthFailed("inactive")`; an unreachable or
 * unusable endpoint is `AuthUnavailable`. Caching is the caller's (Auth's) job.
 */
import { Duration, Effect, Either, Redacted, Schema } from "effect"
import { AuthFailed, AuthUnavailable } from "./AuthErrors.ts"
import { tokenClaimFields } from "./tokenClaims.ts"

const Introspected = Schema.Struct({
  active: Schema.Boolean,
  ...tokenClaimFields,
  exp: Schema.optional(Schema.Number),
  iss: Schema.optional(Schema.String)
})
export type Introspected = typeof Introspected.Type

export interface IntrospectionSettings {
  readonly url: URL
  readonly clientId: string | undefined
  readonly clientSecret: Redacted.Redacted<string> | undefined
  readonly timeout: Duration.Duration
}

const isTimeout = (error: unknown) =>
  error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")

type WebFetch = (url: string | URL, init?: RequestInit) => Promise<Response>

/** Asks the introspection endpoint about `token`. Fails with `AuthFailed` (inactive) or `AuthUnavailable`. */
export const introspect = (settings: IntrospectionSettings, webFetch: WebFetch) =>
(
  token: string
): Effect.Effect<Introspected & { readonly active: true }, AuthFailed | AuthUnavailable> =>
  Effect.gen(function*() {
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json"
    }
    if (settings.clientId !== undefined) {
      const secret = settings.clientSecret === undefined ? "" : Redacted.value(settings.clientSecret)
      headers["authorization"] = `Basic ${
        btoa(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(secret)}`)
      }`
    }
    const result = yield* Effect.tryPromise({
      try: (signal) =>
        webFetch(settings.url, {
          method: "POST",
          headers,
          body: new URLSearchParams({ token, token_type_hint: "access_token" }).toString(),
          signal: AbortSignal.any([signal, AbortSignal.timeout(Math.max(1, Duration.toMillis(settings.timeout)))])
        }),
      catch: (error) => error
    }).pipe(Effect.either)
    if (Either.isLeft(result)) {
      return yield* new AuthUnavailable({ reason: isTimeout(result.left) ? "timeout" : "network" })
    }
    if (!result.right.ok) return yield* new AuthUnavailable({ reason: "bad-response" })
    const body = yield* Effect.tryPromise(() => result.right.json()).pipe(
      Effect.flatMap(Schema.decodeUnknown(Introspected)),
      Effect.orElseFail(() => new AuthUnavailable({ reason: "bad-response" }))
    )
    if (!body.active) return yield* new AuthFailed({ reason: "inactive" })
    return { ...body, active: true as const }
  })
