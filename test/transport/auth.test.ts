/**
 * Who may use `/mcp`, in-process with real JWT verification against the test JWKS: 401 with the
 * RFC 9728 challenge (and that document), 400 without `X-Mana-Space` (listing the caller's
 * spaces), 403 for a space the caller is not in — the same answers on both protocol eras.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, TestClock } from "effect"
import {
  bodyOf,
  gatewayBase,
  httpGet,
  initializeBody,
  mcpRequest,
  modernRequest,
  startInProcessGateway
} from "../support/inProcessGateway.ts"
import { alice, spaceA, spaceB, spaceShared } from "../support/users.ts"

describe("authentication", () => {
  it.scoped("answers 401 with a resource_metadata challenge, and serves that document", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const response = yield* gateway.mcp(mcpRequest({ body: initializeBody }))
      assert.strictEqual(response.status, 401)
      const challenge = response.headers.get("www-authenticate") ?? ""
      assert.strictEqual(challenge, `Bearer resource_metadata="${gatewayBase}/.well-known/oauth-protected-resource"`)
      assert.strictEqual((yield* bodyOf(response)).reason, "missing-header")

      const document = yield* gateway.http(httpGet("/.well-known/oauth-protected-resource"))
      assert.strictEqual(document.status, 200)
      const metadata = yield* bodyOf(document)
      assert.deepInclude(metadata, {
        resource: `${gatewayBase}/mcp`,
        authorization_servers: [gateway.issuer.url],
        bearer_methods_supported: ["header"]
      })
      // No made-up documentation link: the gateway serves no such page.
      assert.notProperty(metadata, "resource_documentation")
    }))

  it.scoped("names PUBLIC_URL in the challenge when it is set", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ publicUrl: Option.some(new URL("https://mcp.mana.example")) })
      const response = yield* gateway.mcp(mcpRequest({ body: initializeBody }))
      assert.include(response.headers.get("www-authenticate") ?? "", "https://mcp.mana.example/.well-known/")
    }))

  it.scoped("rejects a garbage, a wrong-audience and an expired token with 401 and the exact reason", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const reasonFor = (token: string) =>
        Effect.gen(function*() {
          const response = yield* gateway.mcp(mcpRequest({ token, space: spaceA, body: initializeBody }))
          assert.strictEqual(response.status, 401)
          assert.include(response.headers.get("www-authenticate") ?? "", "error=\"invalid_token\"")
          return (yield* bodyOf(response)).reason
        })
      assert.strictEqual(yield* reasonFor("not-a-jwt"), "malformed")
      const wrongAudience = yield* gateway.issuer.sign({ claims: { aud: "someone-else" } })
      assert.strictEqual(yield* reasonFor(wrongAudience), "wrong-audience")
      const fifteenMinutes = yield* gateway.issuer.tokenFor(alice)
      yield* TestClock.adjust("16 minutes")
      assert.strictEqual(yield* reasonFor(fifteenMinutes), "expired")
    }))

  it.scoped("answers an unauthenticated modern request with the same 401 challenge as the 2025 path", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const modern = yield* gateway.mcp(modernRequest("tools/list"))
      const legacy = yield* gateway.mcp(mcpRequest({ body: initializeBody }))
      assert.strictEqual(modern.status, 401)
      assert.strictEqual(legacy.status, 401)
      assert.strictEqual(modern.headers.get("www-authenticate"), legacy.headers.get("www-authenticate"))
    }))
})

describe("spaces", () => {
  it.scoped("requires X-Mana-Space: 400 listing the caller's spaces", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const missing = yield* gateway.mcp(mcpRequest({ token, body: initializeBody }))
      assert.strictEqual(missing.status, 400)
      const body = yield* bodyOf(missing)
      assert.strictEqual(body.error, "missing_space")
      assert.include(body.message, spaceA)
      assert.deepStrictEqual(body.spaces.map((space: { id: string }) => space.id), [spaceA, spaceShared])
    }))

  it.scoped("refuses a space the caller is not a member of (403), on both eras", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const legacy = yield* gateway.mcp(mcpRequest({ token, space: spaceB, body: initializeBody }))
      assert.strictEqual(legacy.status, 403)
      const body = yield* bodyOf(legacy)
      assert.strictEqual(body.error, "forbidden_space")
      assert.include(body.message, spaceA)
      const modern = yield* gateway.mcp(modernRequest("tools/list", { token, space: spaceB }))
      assert.strictEqual(modern.status, 403)
      const shared = yield* gateway.mcp(mcpRequest({ token, space: spaceShared, body: initializeBody }))
      assert.strictEqual(shared.status, 200)
    }))
})
