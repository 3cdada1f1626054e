/**
 * Auth: turns an `Authorization` header into a verified Principal. Tokens are mana-auth EdDSA
 * JWTs checked against its JWKS (fetched and cached by jose), with the algorithm pinned, the
 * issuer allow-list and the clock tolerance (JWT_CLOCK_TOLERANCE), all judged at the Effect
 * Clock's time; opaque tokens are checked by RFC 7662 introspection when OAUTH_INTROSPECTION_URL
 * is set. The audience must be JWT_AUDIENCE (first-party tokens) or the resource URL the request
 * was addressed to (RFC 8707: OAuth tokens minted for this gateway, never for another). Delegated
 * tokens carry `scope`, `client_id` and `mana_space` into the Principal. Verified tokens are
 * cached under their SHA-256 until `exp` (introspected ones at most 30 s), so a busy session pays
 * one verification per token, not per request. A cached JWT remembers the key id that verified
 * it and stops working once the key set no longer holds that key: the key set is re-read at
 * least once per refresh interval even when every token is cached, so a removed key is honoured
 * within one interval. A JWKS or introspection answer is read to at most 64 KiB, counted while it
 * streams, within UPSTREAM_TIMEOUT. Not responsible for spaces or HTTP codes.
 */
import { Clock, Context, Duration, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import * as Jose from "jose"
import { ManaConfig } from "../config/Config.ts"
import { Upstreams } from "../config/Upstreams.ts"
import type { Principal } from "../domain/Principal.ts"
import { makeUpstreamFetch } from "../upstream/upstreamCall.ts"
import { AuthFailed, AuthUnavailable } from "./AuthErrors.ts"
import { boundedFetch } from "./boundedFetch.ts"
import { introspect } from "./Introspection.ts"
import { parseScope } from "./scopes.ts"
import { makeExpiringCache, sha256Hex } from "./TokenCache.ts"
import { tokenClaimFields } from "./tokenClaims.ts"

export interface Verified {
  readonly principal: Principal
  /** The caller's JWT, to forward upstream; never logged. */
  readonly token: Redacted.Redacted<string>
}

export interface AuthShape {
  /**
   * Verifies `Authorization: Bearer <token>`, accepting `aud` JWT_AUDIENCE or `resource` (this
   * gateway's resource URL as the request addressed it). Fails with `AuthFailed` (missing,
   * malformed, expired, foreign, inactive or unsigned token) or `AuthUnavailable` when mana-auth's
   * JWKS or introspection endpoint cannot be reached.
   */
  readonly verify: (
    authorization: string | undefined,
    resource?: string
  ) => Effect.Effect<Verified, AuthFailed | AuthUnavailable>
}

export interface AuthOptions {
  /** How long jose keeps the fetched JWKS (default 10 minutes). */
  readonly jwksCacheMaxAge?: Duration.DurationInput
  /**
   * How often cached tokens' keys are checked against a freshly fetched JWKS (default: the JWKS
   * max age, 10 minutes). A key removed from the JWKS stops working within this interval.
   */
  readonly keySetRefresh?: Duration.DurationInput
  /** Minimum time between JWKS fetches for unknown key ids (jose's cooldown, default 30 s). */
  readonly jwksCooldown?: Duration.DurationInput
  /** Verified tokens remembered at most (default 10 000). */
  readonly tokenCacheCapacity?: number
}

const Claims = Schema.Struct({ ...tokenClaimFields, exp: Schema.Number })
type Claims = typeof Claims.Type

/** What a verification established, cached per token: the caller and the audiences it may be used at. */
interface VerifiedToken {
  readonly principal: Principal
  readonly audiences: ReadonlyArray<string>
  /** The JWKS key that verified a JWT; `undefined` for introspected tokens. */
  readonly kid?: string | undefined
}

/** The most the gateway reads of a JWKS or an introspection answer. */
const keySetBodyLimit = 64 * 1024

/** How long an introspection answer is trusted before the authorization server is asked again. */
const introspectionCacheTtl = Duration.seconds(30)

const principalOf = (claims: Claims): Either.Either<VerifiedToken, AuthFailed> => {
  if (claims.sub === undefined || claims.sub === "") return Either.left(failed("missing-subject"))
  const principal: Principal = {
    userId: claims.sub,
    email: claims.email ?? "",
    role: claims.role ?? "user",
    tier: claims.tier ?? "public",
    expiresAt: claims.exp,
    ...(claims.scope === undefined ? {} : { scopes: parseScope(claims.scope) }),
    ...(claims.client_id === undefined ? {} : { clientId: claims.client_id }),
    ...(claims.mana_space === undefined ? {} : { space: claims.mana_space })
  }
  const audiences = claims.aud === undefined ? [] : typeof claims.aud === "string" ? [claims.aud] : claims.aud
  return Either.right({ principal, audiences })
}

/** Compact JWS: three base64url segments. Anything else is an opaque token. */
const isJwtShaped = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)

const failed = (reason: AuthFailed["reason"], detail?: string) => new AuthFailed({ reason, detail })

/** Maps what jose rejected with to our reasons, by jose's own error classes. */
const classify = (error: unknown, accepted: { audience: string; issuers: ReadonlyArray<string> }) => {
  const { errors } = Jose
  if (error instanceof errors.JWTExpired) return failed("expired")
  if (error instanceof errors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case "aud":
        return failed("wrong-audience", JSON.stringify(accepted.audience))
      case "iss":
        return failed("wrong-issuer", accepted.issuers.map((issuer) => JSON.stringify(issuer)).join(", "))
      case "nbf":
        return failed("not-yet-valid")
      default:
        return failed(
          "malformed",
          `its "${error.claim}" claim is ${error.reason === "missing" ? "missing" : "invalid"}`
        )
    }
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return failed("bad-signature")
  if (error instanceof errors.JWKSNoMatchingKey) return failed("unknown-key")
  if (error instanceof errors.JOSEAlgNotAllowed) return failed("wrong-algorithm")
  if (
    error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported
  ) {
    return failed("malformed")
  }
  if (error instanceof errors.JWKSTimeout) return new AuthUnavailable({ reason: "timeout" })
  // Any other jose error here is about the key set itself (non-200, bad JSON, bad JWK).
  if (error instanceof errors.JOSEError) return new AuthUnavailable({ reason: "bad-response" })
  return new AuthUnavailable({ reason: "network" })
}

const bearer = (header: string | undefined) => {
  if (header === undefined || header.trim() === "") return Either.left(failed("missing-header"))
  const parts = header.trim().split(/\s+/)
  if (parts[0]?.toLowerCase() !== "bearer") return Either.left(failed("malformed", "the scheme is not Bearer"))
  if (parts.length !== 2 || parts[1] === undefined) {
    return Either.left(failed("malformed", "expected exactly one token after Bearer"))
  }
  return Either.right(parts[1])
}

export const makeAuth = (options: AuthOptions = {}) =>
  Effect.gen(function*() {
    const upstreams = yield* Upstreams
    const config = yield* ManaConfig
    // jose fetches the JWKS itself; the upstream helper's fetch times and counts it, and no
    // answer is read past 64 KiB (a key set is a few kilobytes; jose's deadline ends the read).
    const webFetch = boundedFetch(yield* makeUpstreamFetch("mana-auth"), keySetBodyLimit)
    const jwks = Jose.createRemoteJWKSet(new URL(`${upstreams.authUrl}/api/auth/jwks`), {
      timeoutDuration: Math.max(1, Math.round(Duration.toMillis(config.upstreamTimeout))),
      cacheMaxAge: Duration.toMillis(options.jwksCacheMaxAge ?? Duration.minutes(10)),
      cooldownDuration: Duration.toMillis(options.jwksCooldown ?? Duration.seconds(30)),
      [Jose.customFetch]: webFetch
    })
    const accepted = { audience: config.jwtAudience, issuers: upstreams.issuers }
    const cache = yield* makeExpiringCache<VerifiedToken>(options.tokenCacheCapacity ?? 10_000)
    const refreshMillis = Duration.toMillis(options.keySetRefresh ?? options.jwksCacheMaxAge ?? Duration.minutes(10))
    // The key ids of the last key set jose fetched, and when this layer last made sure it was
    // fresh. Mutated only in Effect.sync steps below.
    const keySet = { kids: new Set<string>(), checkedAt: Number.NEGATIVE_INFINITY }
    const observeKeySet = (now: number) =>
      Effect.sync(() => {
        const current = jwks.jwks()
        if (current === undefined) return
        keySet.kids = new Set(current.keys.flatMap((key) => typeof key.kid === "string" ? [key.kid] : []))
        keySet.checkedAt = now
      })
    // Cached tokens never reach jose, so nothing would refetch the key set: re-read it once per
    // refresh interval. If mana-auth is unreachable, the last known keys stay in force.
    const refreshKeySet = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (now - keySet.checkedAt < refreshMillis) return
      yield* Effect.sync(() => {
        keySet.checkedAt = now
      })
      yield* Effect.tryPromise(() => jwks.reload()).pipe(
        Effect.zipRight(observeKeySet(now)),
        Effect.catchAll(() => Effect.logWarning("JWKS refresh failed; keeping the last known keys"))
      )
    })
    /** A cached JWT whose key left the key set must be verified again (and then fails). */
    const keyStillPublished = (verified: VerifiedToken) =>
      verified.kid === undefined
        ? Effect.succeed(true)
        : Effect.zipRight(refreshKeySet, Effect.sync(() => verified.kid !== undefined && keySet.kids.has(verified.kid)))
    const tolerance = Duration.toSeconds(config.jwtClockTolerance)
    const introspection = Option.map(config.oauthIntrospection, (settings) =>
      introspect({ ...settings, timeout: config.upstreamTimeout }, webFetch))

    const verifyJwt = (token: string) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        // The audience is checked by `verify`, against the request's resource URL too.
        const { payload, protectedHeader } = yield* Effect.tryPromise({
          try: () =>
            Jose.jwtVerify(token, jwks, {
              algorithms: ["EdDSA"],
              issuer: [...upstreams.issuers],
              clockTolerance: tolerance,
              requiredClaims: ["exp"],
              currentDate: new Date(now)
            }),
          catch: (error) =>
            classify(error, accepted)
        })
        const claims = yield* Schema.decodeUnknown(Claims)(payload).pipe(
          Effect.orElseFail(() => failed("malformed", "its claims have unexpected types"))
        )
        const verified = { ...(yield* principalOf(claims)), kid: protectedHeader.kid }
        yield* observeKeySet(now)
        const expiresAt = claims.exp * 1000
        // Inside the clock tolerance a token may verify after exp; such a token is not cached.
        return { verified, cacheUntil: expiresAt > now ? Option.some(expiresAt) : Option.none() }
      })

    const verifyOpaque = (token: string) =>
      Effect.gen(function*() {
        if (Option.isNone(introspection)) return yield* failed("malformed")
        const answer = yield* introspection.value(token)
        const now = yield* Clock.currentTimeMillis
        if (answer.iss !== undefined && !upstreams.issuers.includes(answer.iss)) {
          return yield* failed("wrong-issuer", accepted.issuers.map((issuer) => JSON.stringify(issuer)).join(", "))
        }
        const exp = answer.exp ?? Math.floor(now / 1000) + Duration.toSeconds(introspectionCacheTtl)
        if (exp * 1000 <= now) return yield* failed("expired")
        const verified = yield* principalOf({ ...answer, exp })
        return {
          verified,
          cacheUntil: Option.some(Math.min(exp * 1000, now + Duration.toMillis(introspectionCacheTtl)))
        }
      })

    // A plain span, not `Effect.fn`: that captures a call-site stack trace on every request.
    const verify = (authorization: string | undefined, resource?: string) =>
      Effect.withSpan(verifyUncached(authorization, resource), "Auth.verify", { captureStackTrace: false })
    const verifyUncached = Effect.fnUntraced(function*(authorization: string | undefined, resource?: string) {
      const token = yield* bearer(authorization)
      const key = yield* sha256Hex(token)
      const hit = yield* cache.get(key)
      const cached = Option.isSome(hit) && !(yield* keyStillPublished(hit.value)) ? Option.none() : hit
      if (Option.isSome(hit) && Option.isNone(cached)) yield* cache.invalidate(key)
      const verified = Option.isSome(cached) ? cached.value : yield* Effect.gen(function*() {
        const fresh = yield* (isJwtShaped(token) ? verifyJwt(token) : verifyOpaque(token))
        if (Option.isSome(fresh.cacheUntil)) yield* cache.set(key, fresh.verified, fresh.cacheUntil.value)
        return fresh.verified
      })
      // Checked on every use, cached or not: the same token must not pass at another resource.
      const audiences = resource === undefined ? [config.jwtAudience] : [config.jwtAudience, resource]
      if (!verified.audiences.some((audience) => audiences.includes(audience))) {
        return yield* failed("wrong-audience", audiences.map((audience) => JSON.stringify(audience)).join(" or "))
      }
      return { principal: verified.principal, token: Redacted.make(token) }
    })

    return { verify } satisfies AuthShape
  })

export class Auth extends Context.Tag("mana-mcp/Auth")<Auth, AuthShape>() {
  static readonly layer = Layer.effect(Auth, makeAuth())
  /** The live layer with tuned caches (tests use a zero JWKS max age to count verifications). */
  static readonly layerWith = (options: AuthOptions) => Layer.effect(Auth, makeAuth(options))
}
