/**
 * Memos: a cache declared with `memoSlot` has one table per `Memos` instance, so each app layer
 * (each `Memos.layer` build) starts with empty caches, and code run without the layer shares the
 * default instance.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Memos, memoSlot } from "../../src/domain/Memos.ts"

describe("Memos", () => {
  it.effect("gives every layer its own table of a slot, and the same table within one layer", () =>
    Effect.gen(function*() {
      const slot = memoSlot(() => new Map<string, number>())
      const first = yield* Effect.provide(
        Effect.gen(function*() {
          const table = yield* slot
          table.set("calls", 1)
          return yield* slot
        }),
        Memos.layer
      )
      assert.strictEqual(first.get("calls"), 1, "one table within a layer")
      const second = yield* Effect.provide(slot, Memos.layer)
      assert.notStrictEqual(second, first, "another layer has its own table")
      assert.strictEqual(second.size, 0)
      assert.strictEqual(yield* slot, yield* slot, "without a layer: the default instance's table")
      assert.notStrictEqual(yield* slot, first)
    }))
})
