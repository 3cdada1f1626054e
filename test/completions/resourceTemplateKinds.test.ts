import { assert, describe, it } from "@effect/vitest"
import { resourceTemplateKinds } from "../../src/completions/complete.ts"
import { recordKinds } from "../../src/resources/resourceUris.ts"

describe("resource template completions", () => {
  it("every record resource template's {id} variable completes to ids of that kind", () => {
    for (const kind of recordKinds) {
      assert.isDefined(resourceTemplateKinds.get(`mana://${kind}/{id}\u0000id`), `mana://${kind}/{id}`)
    }
    assert.strictEqual(resourceTemplateKinds.size, recordKinds.length)
  })
})
