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
      const first = yield* fence.current("habits", "habits")
      assert.strictEqual(yield* fence.current("habits", "habits"), first)
    }))

  it.scoped("every move gives a token the fence never gave before", () =>
    Effect.gen(function*() {
      const fence = yield* make()
      const seen: Array<FenceToken> = [yield* fence.current("habits", "habits")]
      for (let i = 0; i < 5; i++) {
        yield* fence.advance("habits", "habits")
        seen.push(yield* fence.current("habits", "habits"))
      }
      assert.strictEqual(new Set(seen).size, seen.length)
    }))

  it.scoped("tables are fenced apart, also when their names could run together", () =>
    Effect.gen(function*() {
      const fence = yield* make()
      const tables = [["habits", "habits"], ["habits", "habitLogs"], ["todo", "habits"], ["a:b", "c"], ["a", "b:c"]]
        .map(([app, table]) => ({ app: app ?? "", table: table ?? "" }))
      const before = yield* Effect.forEach(tables, ({ app, table }) => fence.current(app, table))
      yield* fence.advance("a:b", "c")
      yield* fence.advance("habits", "habits")
      const after = yield* Effect.forEach(tables, ({ app, table }) => fence.current(app, table))
      assert.deepStrictEqual(after.map((token, i) => token !== before[i]), [true, false, false, true, false])
    }))
}
