/**
 * Test support: a real JWKS served over HTTP by a tiny `node:http` server on port 0, with an
 * Ed25519 key, a request counter and a signer for arbitrary (good or deliberately broken) tokens
 * timed by the Effect Clock. Also a URL whose port is closed, for "mana-auth unreachable".
 */
import { Clock, Effect, type Scope } from "effect"
import * as Jose from "jose"
import * as Http from "node:http"

export interface SignOptions {
  /** Claims to add or override; `undefined` removes a default claim. */
  readonly claims?: Record<string, unknown>
  readonly kid?: string
  /** Sign with another key than the published one. */
  readonly key?: CryptoKey
}

export interface JwksServer {
  /** Base URL (no trailing slash); the JWKS is at `/api/auth/jwks`. */
  readonly url: string
  readonly kid: string
  /** The published public key's raw 32 bytes. */
  readonly publicKeyBytes: Uint8Array
  /** JWKS requests served so far. */
  readonly requests: Effect.Effect<number>
  /** A token with sub/email/iss/aud/iat/exp (15 minutes) defaults, timed by the Clock. */
  readonly sign: (options?: SignOptions) => Effect.Effect<string>
}

const listen = (server: Http.Server) =>
  Effect.async<number>((resume) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      resume(
        typeof address === "object" && address !== null ? Effect.succeed(address.port) : Effect.dieMessage("no port")
      )
    })
  })

const close = (server: Http.Server) =>
  Effect.async<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })

export const startJwksServer: Effect.Effect<JwksServer, never, Scope.Scope> = Effect.gen(function*() {
  const pair = yield* Effect.promise(() => Jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true }))
  const jwk = yield* Effect.promise(() => Jose.exportJWK(pair.publicKey))
  const kid = "test-key-1"
  const body = JSON.stringify({ keys: [{ ...jwk, kid, alg: "EdDSA" }] })
  const counter = { requests: 0 }
  const server = Http.createServer((request, response) => {
    if (request.url === "/api/auth/jwks") {
      counter.requests++
      response.writeHead(200, { "content-type": "application/json" }).end(body)
    } else {
      response.writeHead(404).end()
    }
  })
  const port = yield* Effect.acquireRelease(listen(server), () => close(server))
  const url = `http://127.0.0.1:${port}`
  const sign = (options: SignOptions = {}) =>
    Effect.gen(function*() {
      const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
      const merged: Record<string, unknown> = {
        sub: "7b0c2a4e-1f7d-4c55-9d36-0d9d6c1e2f10",
        email: "ada@example.test",
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
    kid,
    publicKeyBytes: Jose.base64url.decode(jwk.x ?? ""),
    requests: Effect.sync(() => counter.requests),
    sign
  }
})

/** A base URL on which nothing listens (a port that was bound and released). */
export const closedPortUrl: Effect.Effect<string> = Effect.gen(function*() {
  const server = Http.createServer()
  const port = yield* listen(server)
  yield* close(server)
  return `http://127.0.0.1:${port}`
})

/** A base URL whose server accepts connections but never answers, for JWKS timeouts. */
export const hangingServerUrl: Effect.Effect<string, never, Scope.Scope> = Effect.gen(function*() {
  const server = Http.createServer(() => {})
  const port = yield* Effect.acquireRelease(listen(server), () => close(server))
  return `http://127.0.0.1:${port}`
})
