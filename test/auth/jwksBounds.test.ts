/**
 * The gateway's JWKS fetch is bounded (issue #28): at most 64 KiB, counted while the body
 * streams, so neither a huge key set nor an endless one is read whole; and a key set that
 * trickles is given up at UPSTREAM_TIMEOUT. Both are mana-auth being unusable (503), not a bad token.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer } from "effect"
import * as Jose from "jose"
import type { ServerResponse } from "node:http"
import { Auth } from "../../src/auth/Auth.ts"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { serveNode } from "../support/httpServer.ts"

const authAgainst = (authUrl: string, upstreamTimeout: Duration.Duration) =>
  Auth.layerWith({ jwksCacheMaxAge: 0, keySetRefresh: Duration.hours(1) }).pipe(
    Layer.provide(Metrics.layer),
    Layer.provide(Layer.succeed(Upstreams, { authUrl, syncUrl: "http://127.0.0.1:1", issuers: [authUrl] })),
    Layer.provide(ManaConfig.layerWith({ jwtAudience: "mana", upstreamTimeout }))
  )

/** A key set served by `respond`, and a token its key signed; the outcome of verifying it. */
const verifyAgainst = (
  respond: (response: ServerResponse, keySet: string) => void,
  upstreamTimeout = Duration.seconds(10)
) =>
  Effect.gen(function*() {
    const pair = yield* Effect.promise(() => Jose.generateKeyPair("EdDSA", { crv: "Ed25519" }))
    const jwk = yield* Effect.promise(() => Jose.exportJWK(pair.publicKey))
    const keySet = JSON.stringify({ keys: [{ ...jwk, kid: "k1", alg: "EdDSA" }] })
    const url = yield* serveNode((_request, response) => respond(response, keySet))
    const now = Math.floor(Date.now() / 1000)
    const token = yield* Effect.promise(() =>
      new Jose.SignJWT({ sub: "user-1" }).setProtectedHeader({ alg: "EdDSA", kid: "k1" }).setIssuer(url)
        .setAudience("mana").setIssuedAt(now).setExpirationTime(now + 900).sign(pair.privateKey)
    )
    const outcome = yield* Effect.flatMap(Auth, (auth) => Effect.either(auth.verify(`Bearer ${token}`))).pipe(
      Effect.provide(authAgainst(url, upstreamTimeout))
    )
    return outcome._tag === "Right"
      ? "verified"
      : outcome.left._tag === "AuthUnavailable"
      ? outcome.left.reason
      : outcome.left.reason
  }).pipe(Effect.scoped)

describe("JWKS fetch bounds", () => {
  it.live("accepts a key set within 64 KiB", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* verifyAgainst((response, keySet) => response.end(keySet)), "verified")
    }))

  it.live("refuses a valid key set padded past 64 KiB, with or without Content-Length", () =>
    Effect.gen(function*() {
      const padded = (keySet: string) => keySet + " ".repeat(2 * 1024 * 1024)
      assert.strictEqual(yield* verifyAgainst((response, keySet) => response.end(padded(keySet))), "bad-response")
      const chunked = (response: ServerResponse, keySet: string) => {
        response.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" })
        response.write(padded(keySet))
        response.end()
      }
      assert.strictEqual(yield* verifyAgainst(chunked), "bad-response")
    }))

  it.live("stops reading an endless key set at the bound, before the deadline", () =>
    Effect.gen(function*() {
      const endless = (response: ServerResponse) => {
        response.writeHead(200, { "content-type": "application/json" })
        const chunk = Buffer.alloc(64 * 1024, " ")
        const pump = () => {
          while (!response.destroyed) if (!response.write(chunk)) return void response.once("drain", pump)
        }
        pump()
      }
      assert.strictEqual(yield* verifyAgainst(endless), "bad-response")
    }))

  it.live("gives up on a key set that trickles past UPSTREAM_TIMEOUT", () =>
    Effect.gen(function*() {
      const trickle = (response: ServerResponse) => {
        response.writeHead(200, { "content-type": "application/json" })
        const timer = setInterval(() => response.write(" "), 20)
        response.on("close", () => clearInterval(timer))
      }
      assert.strictEqual(yield* verifyAgainst(trickle, Duration.millis(300)), "timeout")
    }))
})
