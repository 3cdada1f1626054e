/**
 * Test fixtures for sync: callers, a fixed membership table, and (for contract tests over real
 * sockets) a JWKS issuer and a `node:http` bridge that serves an `@effect/platform` app. The
 * servers are scoped: they close when the test's scope closes.
 */
import { HttpApp } from "@effect/platform"
import { Effect, Redacted } from "effect"
import { exportJWK, generateKeyPair, SignJWT } from "jose"
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { CallerShape } from "../../src/domain/Caller.ts"

export const alice = "11111111-1111-4111-8111-111111111111"
export const bob = "22222222-2222-4222-8222-222222222222"
export const spaceA = "space-alice"
export const spaceB = "space-bob"
export const spaceShared = "space-shared"

const membershipTable: Readonly<Record<string, ReadonlyArray<string>>> = {
  [alice]: [spaceA, spaceShared],
  [bob]: [spaceB, spaceShared]
}

export const memberships = (userId: string): Effect.Effect<ReadonlyArray<string>> =>
  Effect.succeed(membershipTable[userId] ?? [])

export const callerFor = (userId: string, spaceId: string, token = `good:${userId}`): CallerShape => ({
  principal: { userId, email: `${userId}@example.test`, role: "user", tier: "public", expiresAt: 4_102_444_800 },
  spaceId,
  token: Redacted.make(token)
})

const listen = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const server = createServer(handler)
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  ).pipe(Effect.map((server) => {
    const address = server.address()
    return `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`
  }))

/** An Ed25519 signing key served as a JWKS on a random port; `sign(sub)` mints a 15-minute token. */
export const jwtIssuer = Effect.gen(function*() {
  const { privateKey, publicKey } = yield* Effect.promise(() => generateKeyPair("EdDSA", { crv: "Ed25519" }))
  const jwk = yield* Effect.promise(() => exportJWK(publicKey))
  const kid = "test-key-1"
  const jwks = JSON.stringify({ keys: [{ ...jwk, kid, alg: "EdDSA" }] })
  const base = yield* listen((_, res) => {
    res.writeHead(200, { "content-type": "application/json" })
    res.end(jwks)
  })
  const sign = (sub: string) =>
    Effect.promise(() =>
      new SignJWT({ email: `${sub}@example.test`, role: "user", tier: "public" })
        .setProtectedHeader({ alg: "EdDSA", kid })
        .setSubject(sub)
        .setAudience("mana")
        .setIssuedAt()
        .setExpirationTime("15m")
        .sign(privateKey)
    )
  return { jwksUrl: `${base}/jwks`, sign } as const
})

const toWebRequest = (req: IncomingMessage, body: Buffer): Request => {
  const headers = new Headers()
  for (const [key, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(key, value)
    else if (Array.isArray(value)) { for (const v of value) headers.append(key, v) }
  }
  const method = req.method ?? "GET"
  return new Request(`http://127.0.0.1${req.url ?? "/"}`, {
    method,
    headers,
    ...(method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(body) })
  })
}

/** Serves an `@effect/platform` app on a random `node:http` port; returns its base URL. */
export const serveApp = (app: HttpApp.Default) => {
  const handler = HttpApp.toWebHandler(app)
  return listen((req, res) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => {
      void handler(toWebRequest(req, Buffer.concat(chunks))).then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers))
        res.end(Buffer.from(await response.arrayBuffer()))
      })
    })
  })
}
