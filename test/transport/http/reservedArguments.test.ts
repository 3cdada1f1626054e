/**
 * A top-level `__proto__` in a tools/call's arguments is refused by name like a nested one, in
 * both eras: the SDK copies `arguments` into a fresh object and skips that key, so the check must
 * see the arguments as the client sent them (issue #28, finding 11).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { jsonRpcOf, mcpRequest, openSession, startInProcessGateway } from "../../support/inProcessGateway.ts"
import { modernEnvelope } from "../../support/modernPost.ts"
import { alice, spaceA } from "../../support/users.ts"

const callText = (args: string, meta: string) =>
  `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"habits.create","arguments":${args}${meta}}}`

describe("reserved property names at the top level of tool arguments", () => {
  for (const value of ["{\"x\":1}", "1", "null"]) {
    it.scoped(`refuses a top-level __proto__ (${value}) in a 2026-07-28 call, before the tool runs`, () =>
      Effect.gen(function*() {
        const gateway = yield* startInProcessGateway()
        const token = yield* gateway.issuer.tokenFor(alice)
        const meta = `,"_meta":${JSON.stringify(modernEnvelope("2026-07-28"))}`
        const answer = yield* jsonRpcOf(
          yield* gateway.mcp(mcpRequest({
            token,
            space: spaceA,
            headers: { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "habits.create" },
            body: callText(`{"title":"proto-${value.length}","__proto__":${value}}`, meta)
          }))
        )
        assert.strictEqual(answer.error?.code, -32602, JSON.stringify(answer))
        assert.strictEqual(answer.id, 5)
        assert.include(answer.error.message, "__proto__: is a refused property name")
      }))
  }

  it.scoped("refuses it in a 2025 session too", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const sessionId = yield* openSession(gateway, alice, spaceA)
      const answer = yield* jsonRpcOf(
        yield* gateway.mcp(mcpRequest({
          token,
          space: spaceA,
          sessionId,
          body: callText("{\"title\":\"proto-legacy\",\"__proto__\":{\"x\":1}}", "")
        }))
      )
      assert.strictEqual(answer.error?.code, -32602, JSON.stringify(answer))
      assert.include(answer.error.message, "__proto__: is a refused property name")
    }))

  it.scoped("leaves a nested __proto__ to the tool's own input check (a tool error naming the path)", () =>
    Effect.gen(function*() {
      const gateway = yield* startInProcessGateway()
      const token = yield* gateway.issuer.tokenFor(alice)
      const sessionId = yield* openSession(gateway, alice, spaceA)
      const answer = yield* jsonRpcOf(
        yield* gateway.mcp(mcpRequest({
          token,
          space: spaceA,
          sessionId,
          body: callText("{\"title\":\"proto-nested\",\"extra\":{\"__proto__\":{\"x\":1}}}", "")
        }))
      )
      assert.isTrue(answer.result.isError, JSON.stringify(answer))
      assert.include(answer.result.content[0].text, "extra.__proto__: is a refused property name")
    }))
})
