/**
 * The SessionStore contract: every layer (memory, Redis) must pass these, with the Effect
 * TestClock as the clock. `make(idleMillis, maxPerUser)` builds a fresh, empty store.
 */
import { assert, it } from "@effect/vitest"
import { Effect, type Scope, TestClock } from "effect"
import type { SessionStoreShape } from "../../src/sessions/SessionRecord.ts"

export type MakeStore = (
  idleMillis: number,
  maxPerUser: number
) => Effect.Effect<SessionStoreShape, unknown, Scope.Scope>

const idle = 30 * 60_000
const handshake = {
  protocolVersion: "2025-11-25",
  clientInfo: { name: "agent", version: "1.0.0" },
  clientCapabilities: { elicitation: { form: {} } }
}
const session = (id: string, userId: string) => ({ id, userId, ...handshake })

export const sessionStoreContract = (make: MakeStore) => {
  it.scoped("keeps the client's handshake with the session", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 16)
      yield* TestClock.adjust("5 seconds")
      yield* store.create(session("s1", "alice"))
      yield* TestClock.adjust("1 second")
      const record = yield* store.touch("s1", "alice")
      assert.deepStrictEqual(record, { ...session("s1", "alice"), createdAt: 5_000, lastSeenAt: 6_000 })
    }))

  it.scoped("keeps the client's log level with the session once it sets one; a removed session stays removed", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 16)
      yield* store.create(session("s1", "alice"))
      assert.isUndefined((yield* store.touch("s1", "alice")).logLevel)
      yield* store.setLogLevel("s1", "error")
      assert.strictEqual((yield* store.touch("s1", "alice")).logLevel, "error")
      yield* store.setLogLevel("s1", "debug")
      assert.strictEqual((yield* store.touch("s1", "alice")).logLevel, "debug")
      yield* store.remove("s1")
      yield* store.setLogLevel("s1", "info")
      assert.strictEqual((yield* Effect.flip(store.touch("s1", "alice")))._tag, "SessionNotFound")
      assert.deepStrictEqual(yield* store.expired(["s1"]), ["s1"])
    }))

  it.scoped("expires a session after the idle timeout, not before", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 16)
      yield* store.create(session("s1", "alice"))
      yield* TestClock.adjust("29 minutes")
      yield* store.touch("s1", "alice")
      // Touching resets the idle clock: 29 more minutes is still fine.
      yield* TestClock.adjust("29 minutes")
      assert.strictEqual((yield* store.touch("s1", "alice")).id, "s1")
      yield* TestClock.adjust("31 minutes")
      assert.strictEqual((yield* Effect.flip(store.touch("s1", "alice")))._tag, "SessionNotFound")
      assert.deepStrictEqual(yield* store.expired(["s1"]), ["s1"])
    }))

  it.scoped("expired() names only sessions that are gone", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 16)
      yield* store.create(session("old", "alice"))
      yield* TestClock.adjust("20 minutes")
      yield* store.create(session("fresh", "bob"))
      yield* store.create(session("deleted", "bob"))
      yield* store.remove("deleted")
      yield* TestClock.adjust("15 minutes")
      assert.deepStrictEqual(yield* store.expired(["old", "fresh", "deleted", "never"]), ["old", "deleted", "never"])
      assert.deepStrictEqual(yield* store.expired([]), [])
    }))

  it.scoped("closes the user's least recently used session over the cap", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 3)
      for (const id of ["a", "b", "c"]) {
        yield* store.create(session(id, "alice"))
        yield* TestClock.adjust("1 second")
      }
      yield* store.create(session("other", "bob"))
      // "a" was used most recently, so "b" is now the least recently used.
      yield* store.touch("a", "alice")
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* store.create(session("d", "alice")), ["b"])
      assert.strictEqual((yield* Effect.flip(store.touch("b", "alice")))._tag, "SessionNotFound")
      for (const id of ["a", "c", "d"]) yield* store.touch(id, "alice")
      // Bob's session is not counted against Alice's cap.
      yield* store.touch("other", "bob")
    }))

  it.scoped("idle sessions do not count against the cap", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 2)
      yield* store.create(session("a", "alice"))
      yield* TestClock.adjust("31 minutes")
      yield* store.create(session("b", "alice"))
      assert.deepStrictEqual(yield* store.create(session("c", "alice")), [])
      yield* store.touch("b", "alice")
      yield* store.touch("c", "alice")
    }))

  it.scoped("a session of another user is forbidden, an unknown one is not found", () =>
    Effect.gen(function*() {
      const store = yield* make(idle, 16)
      yield* store.create(session("s1", "alice"))
      assert.strictEqual((yield* Effect.flip(store.touch("s1", "mallory")))._tag, "SessionForbidden")
      assert.strictEqual((yield* Effect.flip(store.touch("nope", "alice")))._tag, "SessionNotFound")
      yield* store.remove("s1")
      assert.strictEqual((yield* Effect.flip(store.touch("s1", "alice")))._tag, "SessionNotFound")
      // Removing twice, or something unknown, is fine.
      yield* store.remove("s1")
    }))
}
