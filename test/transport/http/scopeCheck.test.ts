import { assert, describe, it } from "@effect/vitest"
import type { PolicyHint } from "../../../src/domain/PolicyHint.ts"
import { missingScope } from "../../../src/transport/http/scopeCheck.ts"

const hints: Record<string, PolicyHint> = { "habits.list": "read", "habits.create": "write", "x.delete": "destructive" }
const hintOf = (tool: string) => hints[tool]
const call = (name: string) => ({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } })

describe("missingScope", () => {
  it("names the scope a tool call needs and the token lacks", () => {
    assert.strictEqual(missingScope(call("habits.create"), ["mana.read"], hintOf), "mana.write")
    assert.strictEqual(missingScope(call("x.delete"), ["mana.read", "mana.write"], hintOf), "mana.destructive")
    assert.strictEqual(missingScope(call("habits.list"), [], hintOf), "mana.read")
    assert.strictEqual(missingScope([call("habits.list"), call("habits.create")], ["mana.read"], hintOf), "mana.write")
  })

  it("lets through granted calls, other methods, unknown tools and tokens without a scope claim", () => {
    assert.isUndefined(missingScope(call("habits.list"), ["mana.read"], hintOf))
    assert.isUndefined(missingScope({ jsonrpc: "2.0", id: 1, method: "tools/list" }, [], hintOf))
    assert.isUndefined(missingScope(call("nope.unknown"), [], hintOf))
    assert.isUndefined(missingScope(call("x.delete"), undefined, hintOf))
    assert.isUndefined(missingScope(undefined, ["mana.read"], hintOf))
  })
})
