/**
 * The WriteFence contract: every layer (memory, Redis) must pass these. `make` builds a fresh
 * fence with no moves yet.
 */
import { assert, it } from "@effect/vitest"
import { Effect, type Scope } from "effect"
import type { FenceToken, WriteFenceShape } from "../../src/sync/WriteFence.ts"

export type MakeFence = () => Effect.Effect<WriteFenceShape, unknown, Scope.Scope>

export const writeFenceContract = (make: MakeFence) => {
  it.scoped("a token stays the same while nothing moves the fence", () =>
    Effect.gen(function*() {
      const fence = yield* make()
      const first = yield* fence.current("habits", "habits", "s")
      assert.strictEqual(yield* fence.current("habits", "habits", "s"), first)
    }))

  it.scoped("every move gives a token the fence never gave before", () =>
    Effect.gen(function*() {
      const fence = yield* make()
      const seen: Array<FenceToken> = [yield* fence.current("habits", "habits", "s")]
      for (let i = 0; i < 5; i++) {
        yield* fence.advance("habits", "habits", "s")
        seen.push(yield* fence.current("habits", "habits", "s"))
      }
      assert.strictEqual(new Set(seen).size, seen.length)
    }))

  it.scoped("tables are fenced apart, also when their names could run together", () =>
    Effect.gen(function*() {
      const fence = yield* make()
      const tables = [["habits", "habits"], ["habits", "habitLogs"], ["todo", "habits"], ["a:b", "c"], ["a", "b:c"]]
        .map(([app, table]) => ({ app: app ?? "", table: table ?? "" }))
      const before = yield* Effect.forEach(tables, ({ app, table }) => fence.current(app, table, "s"))
      yield* fence.advance("a:b", "c", "s")
      yield* fence.advance("habits", "habits", "s")
      const after = yield* Effect.forEach(tables, ({ app, table }) => fence.current(app, table, "s"))
      assert.deepStrictEqual(after.map((token, i) => token !== before[i]), [true, false, false, true, false])
    }))

  it.scoped("spaces are fenced apart: a write in one space leaves another space's token alone", () =>
    Effect.gen(function*() {
      const fence = yield* make()
      const personal = yield* fence.current("habits", "habits", "personal")
      const team = yield* fence.current("habits", "habits", "team")
      yield* fence.advance("habits", "habits", "team")
      assert.strictEqual(yield* fence.current("habits", "habits", "personal"), personal)
      assert.notStrictEqual(yield* fence.current("habits", "habits", "team"), team)
      const apart = yield* fence.current("habits", "habits:a", "b")
      yield* fence.advance("habits", "habits", "a:b")
      assert.strictEqual(yield* fence.current("habits", "habits:a", "b"), apart)
    }))
}
