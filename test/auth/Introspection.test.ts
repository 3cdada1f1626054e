import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Option, TestClock } from "effect"
import { Auth } from "../../src/auth/Auth.ts"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { serveNode } from "../support/httpServer.ts"
import { startJwksServer } from "../support/jwksServer.ts"

const resource = "http://127.0.0.1:3069/mcp"

/** A real RFC 7662 endpoint over HTTP that knows three opaque tokens and counts its requests. */
const startIntrospectionServer = (issuer: string) =>
  Effect.gen(function*() {
    const seen: Array<{ token: string; authorization: string | undefined }> = []
    const answers: Record<string, unknown> = {
      "opaque-good": {
        active: true,
        sub: "user-1",
        scope: "mana.read",
        client_id: "client-1",
        mana_space: "space-1",
        aud: resource,
        iss: issuer,
        exp: 600
      },
      "opaque-foreign": { active: true, sub: "user-1", aud: "https://other.example/mcp", exp: 600 },
      "opaque-revoked": { active: false }
    }
    const base = yield* serveNode((request, response) => {
      let body = ""
      request.on("data", (chunk: Buffer) => (body += chunk.toString()))
      request.on("end", () => {
        const token = new URLSearchParams(body).get("token") ?? ""
        seen.push({ token, authorization: request.headers.authorization })
        response.writeHead(200, { "content-type": "application/json" }).end(
          JSON.stringify(answers[token] ?? { active: false })
        )
      })
    })
    return { url: new URL(`${base}/introspect`), seen }
  })

const withIntrospection = <A, E>(
  test: (seen: ReadonlyArray<{ token: string; authorization: string | undefined }>) => Effect.Effect<A, E, Auth>
) =>
  Effect.gen(function*() {
    const jwks = yield* startJwksServer
    const endpoint = yield* startIntrospectionServer(jwks.url)
    const layer = Auth.layer.pipe(
      Layer.provide(Metrics.layer),
      Layer.provide(
        Layer.succeed(Upstreams, { authUrl: jwks.url, syncUrl: "http://127.0.0.1:1", issuers: [jwks.url] })
      ),
      Layer.provide(ManaConfig.layerWith({
        jwtAudience: "mana",
        upstreamTimeout: Duration.seconds(5),
        oauthIntrospection: Option.some({ url: endpoint.url, clientId: "mana-mcp", clientSecret: undefined })
      }))
    )
    return yield* test(endpoint.seen).pipe(Effect.provide(layer))
  }).pipe(Effect.scoped)

describe("Auth with RFC 7662 introspection", () => {
  it.effect("accepts an active opaque token for this resource, with its scope, client and space", () =>
    withIntrospection((seen) =>
      Effect.gen(function*() {
        const auth = yield* Auth
        const verified = yield* auth.verify("Bearer opaque-good", resource)
        assert.strictEqual(verified.principal.userId, "user-1")
        assert.deepStrictEqual(verified.principal.scopes, ["mana.read"])
        assert.strictEqual(verified.principal.clientId, "client-1")
        assert.strictEqual(verified.principal.space, "space-1")
        assert.strictEqual(seen[0]?.authorization?.startsWith("Basic "), true)
      })
    ))

  it.effect("caches an answer for 30 seconds, then asks again", () =>
    withIntrospection((seen) =>
      Effect.gen(function*() {
        const auth = yield* Auth
        yield* auth.verify("Bearer opaque-good", resource)
        yield* TestClock.adjust("29 seconds")
        yield* auth.verify("Bearer opaque-good", resource)
        assert.strictEqual(seen.length, 1)
        yield* TestClock.adjust("2 seconds")
        yield* auth.verify("Bearer opaque-good", resource)
        assert.strictEqual(seen.length, 2)
      })
    ))

  it.effect("refuses an inactive token and one for another audience", () =>
    withIntrospection(() =>
      Effect.gen(function*() {
        const auth = yield* Auth
        const revoked = yield* Effect.flip(auth.verify("Bearer opaque-revoked", resource))
        assert.strictEqual(revoked._tag === "AuthFailed" ? revoked.reason : revoked._tag, "inactive")
        const foreign = yield* Effect.flip(auth.verify("Bearer opaque-foreign", resource))
        assert.strictEqual(foreign._tag === "AuthFailed" ? foreign.reason : foreign._tag, "wrong-audience")
      })
    ))
})
