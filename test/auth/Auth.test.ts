import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Layer, Redacted, Scope, TestClock } from "effect"
import * as Jose from "jose"
import { Auth } from "../../src/auth/Auth.ts"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { closedPortUrl, hangingServerUrl } from "../support/httpServer.ts"
import { startJwksServer } from "../support/jwksServer.ts"
import { alice, principalFor } from "../support/users.ts"

// jwksCacheMaxAge 0 makes jose fetch the JWKS for every real verification, so the JWKS request
// counter counts verifications and proves what the token cache saves (the key-set check of cached
// tokens is pushed out of these tests' time range).
const authAgainst = (authUrl: string, upstreamTimeout = Duration.seconds(5)) =>
  Auth.layerWith({ jwksCacheMaxAge: 0, keySetRefresh: Duration.hours(1) }).pipe(
    Layer.provideMerge(Metrics.layer),
    Layer.provide(Layer.succeed(Upstreams, { authUrl, syncUrl: "http://127.0.0.1:1", issuers: [authUrl] })),
    Layer.provide(ManaConfig.layerWith({ jwtAudience: "mana", upstreamTimeout }))
  )

const withServer = <A, E>(
  test: (server: Effect.Effect.Success<typeof startJwksServer>) => Effect.Effect<A, E, Auth | Metrics>
) =>
  Effect.gen(function*() {
    const server = yield* startJwksServer
    return yield* test(server).pipe(Effect.provide(authAgainst(server.url)))
  }).pipe(Effect.scoped)

const reasonOf = (header: string | undefined) =>
  Effect.flatMap(Auth, (auth) => Effect.flip(auth.verify(header))).pipe(
    Effect.map((error) => (error._tag === "AuthFailed" ? error.reason : error._tag))
  )

describe("Auth", () => {
  it.effect("accepts a good token and maps its claims to a Principal, with defaults", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const auth = yield* Auth
        const token = yield* server.sign()
        const verified = yield* auth.verify(`Bearer ${token}`)
        assert.deepStrictEqual(verified.principal, { ...principalFor(alice), expiresAt: 900 })
        assert.strictEqual(Redacted.value(verified.token), token)
        const bare = yield* server.sign({ claims: { email: undefined, role: undefined, tier: undefined, sub: "u-2" } })
        const defaults = yield* auth.verify(`bearer ${bare}`)
        assert.deepStrictEqual([defaults.principal.email, defaults.principal.role, defaults.principal.tier], [
          "",
          "user",
          "public"
        ])
        const metrics = yield* (yield* Metrics).render
        assert.match(
          metrics,
          /mana_mcp_upstream_request_duration_seconds_count\{[^}]*upstream="mana-auth",outcome="success"[^}]*\} 2/
        )
      })
    ))

  it.effect("rejects a missing or malformed Authorization header", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const token = yield* server.sign()
        assert.strictEqual(yield* reasonOf(undefined), "missing-header")
        assert.strictEqual(yield* reasonOf("  "), "missing-header")
        assert.strictEqual(yield* reasonOf(`Basic ${token}`), "malformed")
        assert.strictEqual(yield* reasonOf(`Bearer ${token} ${token}`), "malformed")
        assert.strictEqual(yield* reasonOf("Bearer not-a-jwt"), "malformed")
      })
    ))

  it.effect("rejects expired tokens beyond the 30 s tolerance, and not-yet-valid ones", () =>
    withServer((server) =>
      Effect.gen(function*() {
        yield* TestClock.adjust("1 hour")
        const auth = yield* Auth
        const now = 3600
        assert.strictEqual(yield* reasonOf(`Bearer ${yield* server.sign({ claims: { exp: now - 60 } })}`), "expired")
        const lenient = yield* auth.verify(`Bearer ${yield* server.sign({ claims: { exp: now - 10 } })}`)
        assert.strictEqual(lenient.principal.expiresAt, now - 10)
        assert.strictEqual(
          yield* reasonOf(`Bearer ${yield* server.sign({ claims: { nbf: now + 120 } })}`),
          "not-yet-valid"
        )
      })
    ))

  it.effect("rejects a wrong audience, a wrong issuer and a missing subject", () =>
    withServer((server) =>
      Effect.gen(function*() {
        assert.strictEqual(
          yield* reasonOf(`Bearer ${yield* server.sign({ claims: { aud: "other" } })}`),
          "wrong-audience"
        )
        assert.strictEqual(
          yield* reasonOf(`Bearer ${yield* server.sign({ claims: { iss: "http://evil.test" } })}`),
          "wrong-issuer"
        )
        assert.strictEqual(
          yield* reasonOf(`Bearer ${yield* server.sign({ claims: { sub: undefined } })}`),
          "missing-subject"
        )
        assert.strictEqual(yield* reasonOf(`Bearer ${yield* server.sign({ claims: { sub: "" } })}`), "missing-subject")
      })
    ))

  it.effect("never accepts an HS256 token keyed with the public key bytes", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const forged = yield* Effect.promise(() =>
          new Jose.SignJWT({ sub: "attacker", iss: server.url, aud: "mana", exp: 900 })
            .setProtectedHeader({ alg: "HS256", kid: server.kid })
            .sign(server.publicKeyBytes)
        )
        assert.strictEqual(yield* reasonOf(`Bearer ${forged}`), "wrong-algorithm")
      })
    ))

  it.effect("rejects a token signed by another key: bad signature under a known kid, unknown-key otherwise", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const other = yield* Effect.promise(() => Jose.generateKeyPair("EdDSA", { crv: "Ed25519" }))
        assert.strictEqual(yield* reasonOf(`Bearer ${yield* server.sign({ key: other.privateKey })}`), "bad-signature")
        assert.strictEqual(yield* reasonOf(`Bearer ${yield* server.sign({ kid: "rotated-away" })}`), "unknown-key")
      })
    ))

  it.effect("fails with AuthUnavailable when the JWKS cannot be fetched", () =>
    Effect.gen(function*() {
      const url = yield* closedPortUrl
      const server = yield* startJwksServer
      const token = yield* server.sign({ claims: { iss: url } })
      const error = yield* Effect.flatMap(Auth, (auth) => Effect.flip(auth.verify(`Bearer ${token}`))).pipe(
        Effect.provide(authAgainst(url))
      )
      assert.strictEqual(error._tag, "AuthUnavailable")
    }).pipe(Effect.scoped))

  it.effect("fails with AuthUnavailable (timeout) when the JWKS does not answer in time", () =>
    Effect.gen(function*() {
      const url = yield* hangingServerUrl
      const server = yield* startJwksServer
      const token = yield* server.sign({ claims: { iss: url } })
      const error = yield* Effect.flatMap(Auth, (auth) => Effect.flip(auth.verify(`Bearer ${token}`))).pipe(
        Effect.provide(authAgainst(url, Duration.millis(200)))
      )
      assert.deepStrictEqual([error._tag, error._tag === "AuthUnavailable" ? error.reason : ""], [
        "AuthUnavailable",
        "timeout"
      ])
    }).pipe(Effect.scoped))

  it.effect("caches a verified token until its exp, then rejects it as expired", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const auth = yield* Auth
        const token = yield* server.sign()
        yield* auth.verify(`Bearer ${token}`)
        yield* auth.verify(`Bearer ${token}`)
        yield* TestClock.adjust("14 minutes")
        yield* auth.verify(`Bearer ${token}`)
        assert.strictEqual(yield* server.requests, 1)
        yield* auth.verify(`Bearer ${yield* server.sign({ claims: { sub: "someone-else" } })}`)
        assert.strictEqual(yield* server.requests, 2)
        yield* TestClock.adjust("2 minutes")
        assert.strictEqual(yield* reasonOf(`Bearer ${token}`), "expired")
      })
    ))

  it.effect("accepts an OAuth token only at the resource it was minted for, cached or not (RFC 8707)", () =>
    withServer((server) =>
      Effect.gen(function*() {
        const auth = yield* Auth
        const resource = "http://127.0.0.1:3069/mcp"
        const token = yield* server.sign({
          claims: { aud: resource, scope: "mana.read", client_id: "client-1", mana_space: "space-1" }
        })
        const verified = yield* auth.verify(`Bearer ${token}`, resource)
        assert.deepStrictEqual(verified.principal.scopes, ["mana.read"])
        assert.strictEqual(verified.principal.clientId, "client-1")
        assert.strictEqual(verified.principal.space, "space-1")
        // Now cached: still refused at another resource, and where only JWT_AUDIENCE counts.
        const elsewhere = yield* Effect.flip(auth.verify(`Bearer ${token}`, "http://localhost:3069/mcp"))
        assert.strictEqual(elsewhere._tag === "AuthFailed" ? elsewhere.reason : "", "wrong-audience")
        assert.strictEqual(yield* reasonOf(`Bearer ${token}`), "wrong-audience")
        assert.strictEqual(yield* server.requests, 1)
      })
    ))
})

describe("Auth and the key set", () => {
  const authWithRefresh = (authUrl: string) =>
    Auth.layerWith({ jwksCacheMaxAge: Duration.minutes(10), jwksCooldown: 0 }).pipe(
      Layer.provideMerge(Metrics.layer),
      Layer.provide(Layer.succeed(Upstreams, { authUrl, syncUrl: "http://127.0.0.1:1", issuers: [authUrl] })),
      Layer.provide(ManaConfig.layerWith({ jwtAudience: "mana", upstreamTimeout: Duration.seconds(5) }))
    )

  it.effect("a cached token stops working within one refresh interval once its key left the JWKS", () =>
    Effect.gen(function*() {
      const server = yield* startJwksServer
      yield* Effect.gen(function*() {
        const auth = yield* Auth
        const token = yield* server.sign()
        yield* auth.verify(`Bearer ${token}`)
        yield* server.rotate(true)
        // Inside the interval the cached verification stands (no key-set traffic per request)…
        yield* TestClock.adjust("9 minutes")
        yield* auth.verify(`Bearer ${token}`)
        // …and at the next refresh the removed key is noticed.
        yield* TestClock.adjust("1 minute")
        assert.strictEqual(yield* reasonOf(`Bearer ${token}`), "unknown-key")
      }).pipe(Effect.provide(authWithRefresh(server.url)))
    }).pipe(Effect.scoped))

  it.effect("an unknown-kid refresh (a new token's key) also retires cached tokens of removed keys", () =>
    Effect.gen(function*() {
      const server = yield* startJwksServer
      yield* Effect.gen(function*() {
        const auth = yield* Auth
        const old = yield* server.sign()
        yield* auth.verify(`Bearer ${old}`)
        const signNew = yield* server.rotate(true)
        const fresh = yield* signNew()
        // The new key is fetched for the new token; the cached old one goes with the old key.
        assert.strictEqual((yield* auth.verify(`Bearer ${fresh}`)).principal.userId, alice)
        assert.strictEqual(yield* reasonOf(`Bearer ${old}`), "unknown-key")
      }).pipe(Effect.provide(authWithRefresh(server.url)))
    }).pipe(Effect.scoped))

  it.effect("while mana-auth is down, cached tokens keep working on the last known keys", () =>
    Effect.gen(function*() {
      const scope = yield* Scope.make()
      const server = yield* Scope.extend(startJwksServer, scope)
      yield* Effect.gen(function*() {
        const auth = yield* Auth
        const token = yield* server.sign()
        yield* auth.verify(`Bearer ${token}`)
        yield* Scope.close(scope, Exit.void)
        yield* TestClock.adjust("11 minutes")
        assert.strictEqual((yield* auth.verify(`Bearer ${token}`)).principal.userId, alice)
      }).pipe(Effect.provide(authWithRefresh(server.url)))
    }).pipe(Effect.scoped))
})
