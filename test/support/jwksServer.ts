/**
 * The one test JWT issuer: an Ed25519 key published as a JWKS over real HTTP (random port, closed
 * with the test's scope), a request counter, and a signer for good or deliberately broken tokens,
 * timed by the Effect Clock. Tokens default to `alice`.
 */
import { Clock, Effect, type Scope } from "effect"
import * as Jose from "jose"
import { serveNode } from "./httpServer.ts"
import { alice, emailOf } from "./users.ts"

export interface SignOptions {
  /** Claims to add or override; `undefined` removes a default claim. */
  readonly claims?: Record<string, unknown>
  readonly kid?: string
  /** Sign with another key than the published one. */
  readonly key?: CryptoKey
}

export interface JwksServer {
  /** Base URL (no trailing slash), the issuer of its tokens. */
  readonly url: string
  /** Where the JWKS is: `<url>/api/auth/jwks`, as on mana-auth. */
  readonly jwksUrl: string
  readonly kid: string
  /** The published public key's raw 32 bytes. */
  readonly publicKeyBytes: Uint8Array
  /** JWKS requests served so far. */
  readonly requests: Effect.Effect<number>
  /** A token with sub/email (alice)/iss/aud/iat/exp (15 minutes) defaults, timed by the Clock. */
  readonly sign: (options?: SignOptions) => Effect.Effect<string>
  /** A good token for `userId`. */
  readonly tokenFor: (userId: string) => Effect.Effect<string>
  /**
   * Key rotation: publishes a fresh key (`test-key-2`, …) and, with `dropOld`, stops publishing
   * the previous ones. Returns a signer for the new key.
   */
  readonly rotate: (dropOld: boolean) => Effect.Effect<(options?: SignOptions) => Effect.Effect<string>>
}

export const jwksPath = "/api/auth/jwks"

export const startJwksServer: Effect.Effect<JwksServer, never, Scope.Scope> = Effect.gen(function*() {
  const pair = yield* Effect.promise(() => Jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true }))
  const jwk = yield* Effect.promise(() => Jose.exportJWK(pair.publicKey))
  const kid = "test-key-1"
  // The published keys; replaced (never mutated) by `rotate`.
  const published = { keys: [{ ...jwk, kid, alg: "EdDSA" }] as ReadonlyArray<Record<string, unknown>> }
  const counter = { requests: 0, keys: 1 }
  const url = yield* serveNode((request, response) => {
    if (request.url === jwksPath) {
      counter.requests++
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: published.keys }))
    } else {
      response.writeHead(404).end()
    }
  })
  const sign = (options: SignOptions = {}) =>
    Effect.gen(function*() {
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const merged: Record<string, unknown> = {
        sub: alice,
        email: emailOf(alice),
        role: "user",
        tier: "public",
        iss: url,
        aud: "mana",
        iat: now,
        exp: now + 900,
        ...options.claims
      }
      const claims = Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined))
      return yield* Effect.promise(() =>
        new Jose.SignJWT(claims).setProtectedHeader({ alg: "EdDSA", kid: options.kid ?? kid }).sign(
          options.key ?? pair.privateKey
        )
      )
    })
  return {
    url,
    jwksUrl: `${url}${jwksPath}`,
    kid,
    publicKeyBytes: Jose.base64url.decode(jwk.x ?? ""),
    requests: Effect.sync(() => counter.requests),
    sign,
    tokenFor: (userId) => sign({ claims: { sub: userId, email: emailOf(userId) } }),
    rotate: (dropOld) =>
      Effect.gen(function*() {
        const next = yield* Effect.promise(() => Jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true }))
        const nextJwk = yield* Effect.promise(() => Jose.exportJWK(next.publicKey))
        counter.keys++
        const nextKid = `test-key-${counter.keys}`
        const entry = { ...nextJwk, kid: nextKid, alg: "EdDSA" }
        published.keys = dropOld ? [entry] : [...published.keys, entry]
        return (options: SignOptions = {}) => sign({ ...options, kid: nextKid, key: next.privateKey })
      })
  }
})
