/**
 * ReadCache freshness driven by change notifications and fenced per space (docs/reliability.md,
 * "The read cache"): while the user's notification connection is up, a personal-space read reuses
 * its state with no pull until a notification; the echo of an own push costs no second pull; a
 * connection that went down falls back to the window; reads of a shared space keep the window;
 * a write in one space ends reuse only for reads of that space.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Ref, TestClock } from "effect"
import { key, SECOND, setup, T0, titles } from "../support/scriptedPulls.ts"

const fresh = { freshness: "1 second" } as const
const personal = { ...key, spaceId: "personal-u1", personal: true }
const team = { ...key, spaceId: "team", personal: false }
const pulls = (server: { readonly sinces: Ref.Ref<ReadonlyArray<string>> }) =>
  Effect.map(Ref.get(server.sinces), (sinces) => sinces.length)

describe("ReadCache, live", () => {
  it.effect("while connected, a personal-space read reuses its state past the window until a notification", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup(fresh)
      cache.setConnected(key.userId, true)
      yield* server.add(T0 - 60 * SECOND, "a")
      yield* cache.read(personal, server.pull)
      const first = yield* pulls(server)
      yield* TestClock.adjust("10 minutes")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), first)
      // The web app changes the record; mana-sync notifies.
      yield* server.add(T0 + SECOND, "web")
      cache.noteNotified(key.userId, "habits", ["habits"])
      assert.deepStrictEqual(titles(yield* cache.read(personal, server.pull)), ["a", "web"])
      assert.strictEqual(yield* pulls(server), first + 1)
    }))

  it.effect("a notification for another table or app leaves the state reusable", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup(fresh)
      cache.setConnected(key.userId, true)
      yield* cache.read(personal, server.pull)
      cache.noteNotified(key.userId, "habits", ["habitLogs"])
      cache.noteNotified(key.userId, "todo", ["habits"])
      cache.noteNotified("someone-else", "habits", ["habits"])
      yield* TestClock.adjust("5 seconds")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 1)
    }))

  it.effect("an own write costs one delta pull on the next read, and its echo no second one", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup(fresh)
      cache.setConnected(key.userId, true)
      yield* cache.read(personal, server.pull)
      cache.expectEcho(key.userId, "habits", ["habits"])
      yield* server.add(T0 + SECOND, "mine")
      yield* cache.noteWrite("habits", "habits", personal.spaceId)
      assert.deepStrictEqual(titles(yield* cache.read(personal, server.pull)), ["mine"])
      assert.strictEqual(yield* pulls(server), 2)
      cache.noteNotified(key.userId, "habits", ["habits"])
      yield* TestClock.adjust("5 seconds")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 2)
      // The echo is spent: the next notification is news again.
      cache.noteNotified(key.userId, "habits", ["habits"])
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 3)
    }))

  it.effect("a connection that went down falls back to the window; the next connection's first read pulls", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup(fresh)
      cache.setConnected(key.userId, true)
      yield* cache.read(personal, server.pull)
      cache.setConnected(key.userId, false)
      yield* TestClock.adjust("999 millis")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 1)
      yield* TestClock.adjust("1 millis")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 2)
      // Up again: what was pulled before it came up may have missed a notice in between.
      yield* TestClock.adjust("5 seconds")
      cache.setConnected(key.userId, true)
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 3)
      yield* TestClock.adjust("5 seconds")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 3)
    }))

  it.effect("reads of a shared space keep the window while connected: other members' changes are not notified", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup(fresh)
      cache.setConnected(key.userId, true)
      yield* cache.read(team, server.pull)
      yield* TestClock.adjust("999 millis")
      yield* cache.read(team, server.pull)
      assert.strictEqual(yield* pulls(server), 1)
      yield* TestClock.adjust("1 millis")
      yield* cache.read(team, server.pull)
      assert.strictEqual(yield* pulls(server), 2)
    }))

  it.effect("a write in another space leaves the state reusable; a write in the read's space ends it", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup(fresh)
      yield* cache.read(personal, server.pull)
      yield* cache.noteWrite("habits", "habits", "personal-u2")
      yield* cache.noteWrite("habits", "habits", "team")
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 1)
      yield* cache.noteWrite("habits", "habits", personal.spaceId)
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 2)
    }))

  it.effect("READ_FRESHNESS=0 pulls on every read, connected or not", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup({ freshness: 0 })
      cache.setConnected(key.userId, true)
      yield* cache.read(personal, server.pull)
      yield* cache.read(personal, server.pull)
      assert.strictEqual(yield* pulls(server), 2)
    }))
})
