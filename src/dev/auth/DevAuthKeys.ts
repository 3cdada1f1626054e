/**
 * The dev mana-auth signing key: EdDSA/Ed25519 JWT minting with a mandatory `kid` (first-party
 * tokens with `aud` "mana", OAuth access tokens with `aud` = the gateway's resource URL), the
 * public JWKS, and the verification the real `/api/v1/me/*` routes do (signature, `iss` == base
 * URL, an accepted `aud`, time claims). Time comes from the Clock captured when the stand-in was built,
 * so tokens minted under TestClock verify under the same TestClock. Not responsible for users.
 */
import { type Clock, Duration, Effect, Either, Encoding, Option } from "effect"
import * as Jose from "jose"
import { nanoid } from "./DevAuthIds.ts"
import type { SigningKey } from "./DevAuthStore.ts"

export const audience = "mana"

export interface AccessClaims {
  readonly sub: string
  readonly email: string
  readonly sid: string
}

/** An OAuth access token: `aud` is the resource it was granted for, plus scope, client and space. */
export interface DelegatedClaims {
  readonly sub: string
  readonly email: string
  readonly audience: string
  readonly scope: string
  readonly clientId: string
  readonly spaceId: string
}

export interface Signer {
  readonly jwks: { readonly keys: ReadonlyArray<Record<string, string>> }
  /** A signed first-party access token (`aud` "mana") valid for `ttl` from now. */
  readonly sign: (claims: AccessClaims, ttl: Duration.Duration) => Effect.Effect<string>
  /** A signed OAuth access token valid for `ttl` from now. */
  readonly signDelegated: (claims: DelegatedClaims, ttl: Duration.Duration) => Effect.Effect<string>
  /** The verified claims, or None for any invalid, expired or foreign token. */
  readonly verify: (token: string) => Effect.Effect<Option.Option<Jose.JWTPayload>>
}

export const generateSigningKey: Effect.Effect<SigningKey> = Effect.gen(function*() {
  const pair = yield* Effect.tryPromise(() => Jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true }))
  const jwk = yield* Effect.tryPromise(() => Jose.exportJWK(pair.privateKey))
  const kid = yield* nanoid
  if (jwk.kty !== "OKP" || jwk.crv !== "Ed25519" || jwk.x === undefined || jwk.d === undefined) {
    return yield* Effect.dieMessage("the runtime exported an Ed25519 key in an unexpected JWK form")
  }
  const key: SigningKey = { kid, privateJwk: { kty: "OKP", crv: "Ed25519", x: jwk.x, d: jwk.d } }
  return key
}).pipe(Effect.orDie)

/** `extraAudiences`: further `aud` values `verify` accepts (the gateway's resource URLs). */
export const makeSigner = (
  key: SigningKey,
  issuer: string,
  clock: Clock.Clock,
  extraAudiences: ReadonlyArray<string> = []
): Effect.Effect<Signer> =>
  Effect.gen(function*() {
    const publicJwk = { kty: "OKP", crv: "Ed25519", x: key.privateJwk.x, kid: key.kid, alg: "EdDSA" }
    const privateKey = yield* Effect.tryPromise(() => Jose.importJWK({ ...key.privateJwk }, "EdDSA"))
    const publicKey = yield* Effect.tryPromise(() => Jose.importJWK(publicJwk, "EdDSA"))
    const x = Encoding.decodeBase64Url(key.privateJwk.x)
    if (Either.isLeft(x) || x.right.length !== 32) {
      return yield* Effect.dieMessage("the dev signing key's public part is not 32 bytes")
    }
    const signJwt = (sub: string, aud: string, payload: Record<string, string>, ttl: Duration.Duration) =>
      Effect.gen(function*() {
        const iat = Math.floor((yield* clock.currentTimeMillis) / 1000)
        const jti = yield* nanoid
        return yield* Effect.tryPromise(() =>
          new Jose.SignJWT({ role: "user", tier: "public", ...payload })
            .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "JWT" })
            .setSubject(sub)
            .setIssuer(issuer)
            .setAudience(aud)
            .setJti(jti)
            .setIssuedAt(iat)
            .setExpirationTime(iat + Math.floor(Duration.toSeconds(ttl)))
            .sign(privateKey)
        )
      }).pipe(Effect.orDie)
    const sign = (claims: AccessClaims, ttl: Duration.Duration) =>
      signJwt(claims.sub, audience, { email: claims.email, sid: claims.sid }, ttl)
    const signDelegated = (claims: DelegatedClaims, ttl: Duration.Duration) =>
      signJwt(claims.sub, claims.audience, {
        email: claims.email,
        scope: claims.scope,
        client_id: claims.clientId,
        mana_space: claims.spaceId
      }, ttl)
    const audiences = [audience, ...extraAudiences]
    const verify = (token: string) =>
      Effect.gen(function*() {
        const now = yield* clock.currentTimeMillis
        return yield* Effect.tryPromise(() =>
          Jose.jwtVerify(token, publicKey, {
            algorithms: ["EdDSA"],
            issuer,
            audience: audiences,
            currentDate: new Date(now)
          })
        ).pipe(Effect.map((result) => Option.some(result.payload)), Effect.orElseSucceed(() => Option.none()))
      })
    return { jwks: { keys: [publicJwk] }, sign, signDelegated, verify }
  }).pipe(Effect.orDie)
