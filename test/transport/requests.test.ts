/**
 * What `/mcp` refuses before any MCP handling, in-process: foreign Origins and Hosts (DNS
 * rebinding), CORS for allowed origins, unsupported methods, media types, oversized and
 * unparseable bodies — each with a clear status and message, never a 500.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { maxRequestBodySize } from "../../src/transport/http/requestBody.ts"
import {
  bodyOf,
  initializeBody,
  type InProcessGateway,
  mcpRequest,
  mcpUrl,
  startInProcessGateway
} from "../support/inProcessGateway.ts"
import { alice, spaceA } from "../support/users.ts"

const initializeWith = (gateway: InProcessGateway, headers: Record<string, string>) =>
  Effect.gen(function*() {
    const token = yield* gateway.issuer.tokenFor(alice)
    const response = yield* gateway.mcp(mcpRequest({ token, space: spaceA, body: initializeBody, headers }))
    yield* Effect.promise(() => response.arrayBuffer())
    return response
  })

describe("origin and host rules", () => {
  it.scoped("refuse a foreign Origin, a loopback look-alike and a foreign Host with 403", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const foreign = yield* gateway.mcp(
        mcpRequest({ body: initializeBody, headers: { origin: "http://evil.example" } })
      )
      assert.strictEqual(foreign.status, 403)
      assert.strictEqual((yield* bodyOf(foreign)).error, "forbidden_origin")
      const lookalike = yield* initializeWith(gateway, { origin: "http://127.evil.example" })
      assert.strictEqual(lookalike.status, 403)
      // A DNS-rebinding page reaches the loopback port under its own name.
      const rebinding = yield* gateway.mcp(mcpRequest({ body: initializeBody, headers: { host: "evil.example:3069" } }))
      assert.strictEqual(rebinding.status, 403)
      assert.strictEqual((yield* bodyOf(rebinding)).error, "forbidden_host")
      const noHost = yield* gateway.mcp(new Request(mcpUrl, { method: "POST", body: "{}" }))
      assert.strictEqual(noHost.status, 403)
    }))

  it.scoped("let a loopback page through without CORS headers, and answer CORS only for allowed origins", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ corsOrigins: ["http://localhost:5173"] })
      const loopbackPage = yield* initializeWith(gateway, { origin: "http://127.0.0.1:9" })
      assert.strictEqual(loopbackPage.status, 200)
      assert.isNull(loopbackPage.headers.get("access-control-allow-origin"))
      const allowed = yield* initializeWith(gateway, { origin: "http://localhost:5173" })
      assert.strictEqual(allowed.status, 200)
      assert.strictEqual(allowed.headers.get("access-control-allow-origin"), "http://localhost:5173")
      assert.include(allowed.headers.get("access-control-expose-headers") ?? "", "mcp-session-id")

      const preflight = yield* gateway.mcp(mcpRequest({
        method: "OPTIONS",
        headers: { origin: "http://localhost:5173", "access-control-request-method": "POST" }
      }))
      assert.strictEqual(preflight.status, 204)
      assert.strictEqual(preflight.headers.get("access-control-allow-origin"), "http://localhost:5173")
      assert.include(preflight.headers.get("access-control-allow-headers") ?? "", "x-mana-space")
    }))

  it.scoped("accept any Host when bound to a public interface (behind a proxy), still checking Origin", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ host: "0.0.0.0" })
      const proxied = yield* initializeWith(gateway, { host: "mcp.mana.example" })
      assert.strictEqual(proxied.status, 200)
      const foreign = yield* initializeWith(gateway, { host: "mcp.mana.example", origin: "http://127.0.0.1:9" })
      assert.strictEqual(foreign.status, 403)
    }))

  it.scoped("accept a Host listed in ALLOWED_HOSTS", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ allowedHosts: ["mcp.internal"] })
      assert.strictEqual((yield* initializeWith(gateway, { host: "mcp.internal:3069" })).status, 200)
      assert.strictEqual((yield* initializeWith(gateway, { host: "other.internal:3069" })).status, 403)
    }))
})

describe("bad requests get clear answers, not 500s", () => {
  const post = (gateway: InProcessGateway, headers: Record<string, string>, body: string) =>
    Effect.flatMap(
      gateway.issuer.tokenFor(alice),
      (token) => gateway.mcp(mcpRequest({ token, space: spaceA, body, headers }))
    )

  it.scoped("415 for a non-JSON media type, 413 over the size bound, 400 -32700 for invalid JSON, 405 for PUT", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const text = yield* post(gateway, { "content-type": "text/plain" }, JSON.stringify(initializeBody))
      assert.strictEqual(text.status, 415)
      assert.include((yield* bodyOf(text)).message, "application/json")

      const huge = yield* post(gateway, {}, `{"pad":"${"x".repeat(maxRequestBodySize)}"}`)
      assert.strictEqual(huge.status, 413)
      assert.strictEqual((yield* bodyOf(huge)).error, "payload_too_large")
      const lying = yield* post(gateway, { "content-length": String(maxRequestBodySize + 1) }, "{}")
      assert.strictEqual(lying.status, 413, "a declared length over the bound is refused before reading")

      const broken = yield* post(gateway, {}, "{not json")
      assert.strictEqual(broken.status, 400)
      assert.strictEqual((yield* bodyOf(broken)).error.code, -32700)

      const token = yield* gateway.issuer.tokenFor(alice)
      const put = yield* gateway.mcp(mcpRequest({ method: "PUT", token, space: spaceA }))
      assert.strictEqual(put.status, 405)
      assert.include(put.headers.get("allow") ?? "", "POST")
    }))

  it.scoped("reads no body before authentication: an unauthenticated oversized POST is a 401", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const response = yield* gateway.mcp(mcpRequest({ body: `{"pad":"${"x".repeat(maxRequestBodySize)}"}` }))
      assert.strictEqual(response.status, 401)
    }))
})
