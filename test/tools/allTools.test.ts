/**
 * The tool barrel: every shipped tool follows the `module.verb` convention with its own module
 * as the prefix, is user-space, and builds into a registry without duplicates. The conformance
 * fixture is not part of it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { conformanceFixtureTools } from "../../src/conformance/conformanceFixtures.ts"
import { allTools } from "../../src/tools/allTools.ts"
import { makeRegistry } from "../../src/tools/kit/registry.ts"

describe("allTools", () => {
  it("names every tool module.verb after its own module", () => {
    for (const tool of allTools) {
      assert.match(tool.name, /^[a-z][a-zA-Z0-9]*\.[a-z][a-zA-Z0-9]*$/, tool.name)
      assert.strictEqual(tool.name.split(".")[0], tool.module, tool.name)
      assert.strictEqual(tool.scope, "user-space", tool.name)
    }
  })

  it.effect("builds one registry of every tool, without the conformance fixture", () =>
    Effect.gen(function*() {
      const registry = yield* makeRegistry(allTools)
      assert.strictEqual(registry.exposed.size, allTools.length)
      for (const fixture of conformanceFixtureTools) assert.isFalse(registry.all.has(fixture.name))
    }))

  it("gives the conformance fixture the $defs/$ref schema the suite checks", () => {
    const schema = conformanceFixtureTools[0]?.inputJsonSchema
    assert.strictEqual(schema?.["$schema"], "https://json-schema.org/draft/2020-12/schema")
    assert.strictEqual(schema?.["additionalProperties"], false)
    assert.deepStrictEqual(Object.keys(Object(schema?.["$defs"])), ["address"])
  })
})
