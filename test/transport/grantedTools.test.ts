import { assert, describe, it } from "@effect/vitest"
import type { ManaScope } from "../../src/auth/scopes.ts"
import { makeGrantedTools } from "../../src/transport/grantedTools.ts"

const scopes: Record<string, ManaScope> = {
  "habits.create": "mana.write",
  "habits.list": "mana.read",
  "habits.delete": "mana.destructive",
  "todo.list": "mana.read"
}
const tools = ["habits.create", "habits.list", "fixture", "habits.delete", "todo.list"].map((name) => ({ name }))

describe("makeGrantedTools", () => {
  const toolsFor = makeGrantedTools(tools, (name) => scopes[name])
  const names = (granted: ReadonlyArray<string> | undefined) => toolsFor(granted).map((tool) => tool.name)

  it("shows a delegated token only the tools its scopes allow, in registration order", () => {
    assert.deepStrictEqual(names(["mana.read"]), ["habits.list", "fixture", "todo.list"])
    assert.deepStrictEqual(names(["mana.write", "mana.read"]), ["habits.create", "habits.list", "fixture", "todo.list"])
    assert.deepStrictEqual(names([]), ["fixture"])
  })

  it("shows a first-party token (no scope claim) everything, and reuses the list per grant", () => {
    assert.strictEqual(toolsFor(undefined), tools)
    assert.strictEqual(toolsFor(["mana.read", "mana.write"]), toolsFor(["mana.write", "mana.read"]))
  })
})
