/**
 * Auth: turns an `Authorization` header into a verified Principal. Tokens are mana-auth EdDSA
 * JWTs checked against its JWKS (fetched and cached by jose), with the algorithm pinned, the
 * configured audience, the issuer allow-list and 30 s clock tolerance, all judged at the Effect
 * Clock's time. Verified tokens are cached under their SHA-256 until `exp`, so a busy session pays
 * one Ed25519 verification per token, not per request. Not responsible for spaces or HTTP codes.
 */
import { Clock, Context, Duration, Effect, Either, Layer, Option, Redacted, Schema } from "effect"
import * as Jose from "jose"
import { ManaConfig } from "../config/Config.ts"
import { Upstreams } from "../config/Upstreams.ts"
import type { Principal } from "../domain/Principal.ts"
import { makeUpstreamFetch } from "../upstream/upstreamCall.ts"
import { AuthFailed, AuthUnavailable } from "./AuthErrors.ts"
import { makeExpiringCache, sha256Hex } from "./TokenCache.ts"

export interface Verified {
  readonly principal: Principal
  /** The caller's JWT, to forward upstream; never logged. */
  readonly token: Redacted.Redacted<string>
}

export interface AuthShape {
  /**
   * Verifies `Authorization: Bearer <jwt>`. Fails with `AuthFailed` (missing, malformed, expired,
   * foreign or unsigned token) or `AuthUnavailable` when mana-auth's JWKS cannot be fetched.
   */
  readonly verify: (authorization: string | undefined) => Effect.Effect<Verified, AuthFailed | AuthUnavailable>
}

export interface AuthOptions {
  /** How long jose keeps the fetched JWKS (default 10 minutes). */
  readonly jwksCacheMaxAge?: Duration.DurationInput
  /** Verified tokens remembered at most (default 10 000). */
  readonly tokenCacheCapacity?: number
}

const Claims = Schema.Struct({
  sub: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  role: Schema.optional(Schema.String),
  tier: Schema.optional(Schema.String),
  exp: Schema.Number
})

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
    // jose fetches the JWKS itself; the upstream helper's fetch times and counts it.
    const webFetch = yield* makeUpstreamFetch("mana-auth")
    const jwks = Jose.createRemoteJWKSet(new URL(`${upstreams.authUrl}/api/auth/jwks`), {
      timeoutDuration: Math.max(1, Math.round(Duration.toMillis(config.upstreamTimeout))),
      cacheMaxAge: Duration.toMillis(options.jwksCacheMaxAge ?? Duration.minutes(10)),
      [Jose.customFetch]: webFetch
    })
    const accepted = { audience: config.jwtAudience, issuers: upstreams.issuers }
    const cache = yield* makeExpiringCache<Principal>(options.tokenCacheCapacity ?? 10_000)

    const verifyJwt = (token: string) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const { payload } = yield* Effect.tryPromise({
          try: () =>
            Jose.jwtVerify(token, jwks, {
              algorithms: ["EdDSA"],
              audience: config.jwtAudience,
              issuer: [...upstreams.issuers],
              clockTolerance: 30,
              requiredClaims: ["exp"],
              currentDate: new Date(now)
            }),
          catch: (error) => classify(error, accepted)
        })
        const claims = yield* Schema.decodeUnknown(Claims)(payload).pipe(
          Effect.orElseFail(() => failed("malformed", "its claims have unexpected types"))
        )
        if (claims.sub === undefined || claims.sub === "") return yield* failed("missing-subject")
        const principal: Principal = {
          userId: claims.sub,
          email: claims.email ?? "",
          role: claims.role ?? "user",
          tier: claims.tier ?? "public",
          expiresAt: claims.exp
        }
        return principal
      })

    const verify = Effect.fn("Auth.verify")(function*(authorization: string | undefined) {
      const token = yield* bearer(authorization)
      const key = yield* sha256Hex(token)
      const cached = yield* cache.get(key)
      if (Option.isSome(cached)) return { principal: cached.value, token: Redacted.make(token) }
      const principal = yield* verifyJwt(token)
      const expiresAt = principal.expiresAt * 1000
      // Inside the clock tolerance a token may verify after exp; such a token is not cached.
      if (expiresAt > (yield* Clock.currentTimeMillis)) yield* cache.set(key, principal, expiresAt)
      return { principal, token: Redacted.make(token) }
    })

    return { verify } satisfies AuthShape
  })

export class Auth extends Context.Tag("mana-mcp/Auth")<Auth, AuthShape>() {
  static readonly layer = Layer.effect(Auth, makeAuth())
  /** The live layer with tuned caches (tests use a zero JWKS max age to count verifications). */
  static readonly layerWith = (options: AuthOptions) => Layer.effect(Auth, makeAuth(options))
}
