import { assert, describe, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { makeInMemory } from "../../src/sessions/SessionStore.ts"

const idle = 30 * 60_000

describe("SessionStore (in-memory)", () => {
  it.effect("evicts a session after the idle timeout, not before", () =>
    Effect.gen(function*() {
      const store = yield* makeInMemory(idle, 16)
      yield* store.create("s1", "alice")
      yield* TestClock.adjust("29 minutes")
      yield* store.touch("s1", "alice")
      // Touching resets the idle clock: 29 more minutes is still fine.
      yield* TestClock.adjust("29 minutes")
      assert.strictEqual((yield* store.touch("s1", "alice")).id, "s1")
      yield* TestClock.adjust("31 minutes")
      const error = yield* Effect.flip(store.touch("s1", "alice"))
      assert.strictEqual(error._tag, "SessionNotFound")
      assert.deepStrictEqual(yield* store.sweep, ["s1"])
      assert.strictEqual(yield* store.count, 0)
    }))

  it.effect("sweep removes only idle sessions", () =>
    Effect.gen(function*() {
      const store = yield* makeInMemory(idle, 16)
      yield* store.create("old", "alice")
      yield* TestClock.adjust("20 minutes")
      yield* store.create("fresh", "bob")
      yield* TestClock.adjust("15 minutes")
      assert.deepStrictEqual(yield* store.sweep, ["old"])
      assert.strictEqual(yield* store.count, 1)
    }))

  it.effect("closes the user's least recently used session over the cap", () =>
    Effect.gen(function*() {
      const store = yield* makeInMemory(idle, 3)
      for (const id of ["a", "b", "c"]) {
        yield* store.create(id, "alice")
        yield* TestClock.adjust("1 second")
      }
      yield* store.create("other", "bob")
      // "a" was used most recently, so "b" is now the least recently used.
      yield* store.touch("a", "alice")
      assert.deepStrictEqual(yield* store.create("d", "alice"), ["b"])
      assert.strictEqual((yield* Effect.flip(store.touch("b", "alice")))._tag, "SessionNotFound")
      for (const id of ["a", "c", "d"]) yield* store.touch(id, "alice")
      // Bob's session is not counted against Alice's cap.
      yield* store.touch("other", "bob")
      assert.strictEqual(yield* store.count, 4)
    }))

  it.effect("a session of another user is forbidden, an unknown one is not found", () =>
    Effect.gen(function*() {
      const store = yield* makeInMemory(idle, 16)
      yield* store.create("s1", "alice")
      assert.strictEqual((yield* Effect.flip(store.touch("s1", "mallory")))._tag, "SessionForbidden")
      assert.strictEqual((yield* Effect.flip(store.touch("nope", "alice")))._tag, "SessionNotFound")
      yield* store.remove("s1")
      assert.strictEqual((yield* Effect.flip(store.touch("s1", "alice")))._tag, "SessionNotFound")
    }))
})
