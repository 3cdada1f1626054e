/**
 * The resource URL, and with it the accepted token audience, is fixed at start (PUBLIC_URL, or
 * the bound host and port) and never taken from a request's `Host` (issue #28, finding 1): a token
 * minted for another gateway is refused even when the request names that gateway's host, and the
 * RFC 9728 document does not reflect a foreign `Host`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import {
  describeResourceIdentity,
  publicBaseFor,
  resourceIdentityOf,
  resourceUrlOf
} from "../../../src/transport/http/resourceUrl.ts"
import { bodyOf, initializeBody, mcpRequest, startInProcessGateway } from "../../support/inProcessGateway.ts"
import { spaceA } from "../../support/users.ts"

/** The in-process gateway is configured as bound to 127.0.0.1:3069. */
const ours = "http://127.0.0.1:3069/mcp"
const otherGateway = "http://127.0.0.1:4070"

const addressedTo = (base: string, init: { token?: string; path?: string } = {}) =>
  new Request(`${base}${init.path ?? "/mcp"}`, {
    method: init.path === undefined ? "POST" : "GET",
    headers: {
      host: new URL(base).host,
      ...(init.path === undefined
        ? { "content-type": "application/json", accept: "application/json, text/event-stream" }
        : {}),
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}`, "x-mana-space": spaceA })
    },
    ...(init.path === undefined ? { body: JSON.stringify(initializeBody) } : {})
  })

describe("the resource identity, fixed at start", () => {
  it.scoped("refuses a token minted for another gateway even when Host names that gateway", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const foreign = yield* gateway.issuer.sign({ claims: { aud: resourceUrlOf(otherGateway) } })
      const refused = yield* gateway.mcp(addressedTo(otherGateway, { token: foreign }))
      assert.strictEqual(refused.status, 401)
      const body = yield* bodyOf(refused)
      assert.strictEqual(body.reason, "wrong-audience")
      assert.include(refused.headers.get("www-authenticate") ?? "", "http://127.0.0.1:3069/.well-known/")
      // The same claim for this gateway's own resource passes.
      const own = yield* gateway.issuer.sign({ claims: { aud: ours } })
      assert.strictEqual(
        (yield* gateway.mcp(mcpRequest({ token: own, space: spaceA, body: initializeBody }))).status,
        200
      )
    }))

  it.scoped("names its own resource in the RFC 9728 document whatever Host it is sent", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      for (const base of [otherGateway, "http://evil.example", "http://localhost:3069"]) {
        const response = yield* gateway.http(addressedTo(base, { path: "/.well-known/oauth-protected-resource" }))
        const document = yield* bodyOf(response)
        // A loopback spelling of our own port is one of our fixed names; anything else is not.
        assert.strictEqual(document.resource, base === "http://localhost:3069" ? `${base}/mcp` : ours, base)
      }
    }))

  it.scoped("with PUBLIC_URL, accepts only that resource", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway({ publicUrl: Option.some(new URL("https://mcp.example.com")) })
      const local = yield* gateway.issuer.sign({ claims: { aud: ours } })
      assert.strictEqual(
        (yield* gateway.mcp(mcpRequest({ token: local, space: spaceA, body: initializeBody }))).status,
        401
      )
      const public_ = yield* gateway.issuer.sign({ claims: { aud: "https://mcp.example.com/mcp" } })
      assert.strictEqual(
        (yield* gateway.mcp(mcpRequest({ token: public_, space: spaceA, body: initializeBody }))).status,
        200
      )
    }))
})

describe("resourceIdentityOf", () => {
  const none = Option.none<URL>()

  it("is PUBLIC_URL's origin alone when set", () => {
    const identity = resourceIdentityOf({
      publicUrl: Option.some(new URL("https://mcp.example.com/x")),
      host: "0.0.0.0",
      port: 8080
    })
    assert.deepStrictEqual(identity, {
      canonical: "https://mcp.example.com",
      bases: ["https://mcp.example.com"],
      source: "PUBLIC_URL"
    })
    assert.strictEqual(publicBaseFor(identity, "http://127.0.0.1:8080/mcp"), "https://mcp.example.com")
  })

  it("is every loopback spelling of the bound port on loopback or a wildcard, the bound one first", () => {
    assert.deepStrictEqual(resourceIdentityOf({ publicUrl: none, host: "127.0.0.1", port: 3069 }).bases, [
      "http://127.0.0.1:3069",
      "http://localhost:3069",
      "http://[::1]:3069"
    ])
    assert.strictEqual(
      resourceIdentityOf({ publicUrl: none, host: "0.0.0.0", port: 1 }).canonical,
      "http://127.0.0.1:1"
    )
    assert.strictEqual(resourceIdentityOf({ publicUrl: none, host: "::", port: 1 }).canonical, "http://[::1]:1")
    assert.strictEqual(
      resourceIdentityOf({ publicUrl: none, host: "127.0.0.2", port: 1 }).canonical,
      "http://127.0.0.2:1"
    )
    assert.deepStrictEqual(resourceIdentityOf({ publicUrl: none, host: "10.1.2.3", port: 9 }).bases, [
      "http://10.1.2.3:9"
    ])
  })

  it("lets a request pick only among its own bases", () => {
    const identity = resourceIdentityOf({ publicUrl: none, host: "127.0.0.1", port: 3069 })
    assert.strictEqual(publicBaseFor(identity, "http://localhost:3069/mcp"), "http://localhost:3069")
    assert.strictEqual(publicBaseFor(identity, "http://localhost:3070/mcp"), "http://127.0.0.1:3069")
    assert.strictEqual(publicBaseFor(identity, "https://127.0.0.1:3069/mcp"), "http://127.0.0.1:3069")
    assert.strictEqual(publicBaseFor(identity, "not a url"), "http://127.0.0.1:3069")
  })

  it("says which it uses, and warns when it binds beyond loopback without PUBLIC_URL", () => {
    const loopback = describeResourceIdentity(
      resourceIdentityOf({ publicUrl: none, host: "127.0.0.1", port: 5 }),
      "127.0.0.1"
    )
    assert.include(
      loopback.line,
      "http://127.0.0.1:5/mcp, from the bound address (HOST=127.0.0.1; PUBLIC_URL is not set)"
    )
    assert.isUndefined(loopback.warning)
    for (const host of ["0.0.0.0", "::", "10.1.2.3"]) {
      const wide = describeResourceIdentity(resourceIdentityOf({ publicUrl: none, host, port: 5 }), host)
      assert.include(wide.warning ?? "", "set PUBLIC_URL", host)
    }
    const configured = describeResourceIdentity(
      resourceIdentityOf({ publicUrl: Option.some(new URL("https://a.example")), host: "0.0.0.0", port: 5 }),
      "0.0.0.0"
    )
    assert.include(configured.line, "https://a.example/mcp, from PUBLIC_URL")
    assert.isUndefined(configured.warning)
  })
})
