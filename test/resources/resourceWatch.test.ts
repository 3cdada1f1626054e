/**
 * ResourceWatch on UserChanges: a watched record's change (written by anyone, here the web app)
 * is notified once per change and only to watchers of that record; adding or removing a record
 * is a list change; a watcher never hears of a record its caller cannot see (another user's
 * private record in a shared space), even when the change signal reaches it; watches are bounded
 * per user with a clear error; a closed watcher hears nothing more; an expired token ends it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Queue, TestClock } from "effect"
import { UserChanges } from "../../src/live/UserChanges.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { ResourceWatch } from "../../src/resources/ResourceWatch.ts"
import { seedChanges, seedInsert } from "../support/cryptoTools.ts"
import { metricValue } from "../support/prometheus.ts"
import { alice, aliceCaller, bob, callerFor, principalFor, spaceShared } from "../support/users.ts"
import { callTool, idOf, queueSink, resourceLayer, runner } from "./resourceHarness.ts"

const noteUpdate = (id: string, fields: Record<string, unknown>) => ({
  table: "notes",
  id,
  op: "update",
  fields: Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [key, { value, at: new Date().toISOString() }])
  )
})

const notesChanged = (userId: string) => ({ userId, appId: "notes", tables: ["notes"] })

describe("ResourceWatch", () => {
  it.effect("notifies a watcher of its record's change, once per change, and of nothing else", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const changes = yield* UserChanges
      const watch = yield* ResourceWatch
      const mine = idOf(yield* callTool(run, "notes.create", { title: "A", content: "a" }, aliceCaller), "note")
      const other = idOf(yield* callTool(run, "notes.create", { title: "B", content: "b" }, aliceCaller), "note")
      const { queue, sink } = yield* queueSink
      const watcher = yield* watch.open(aliceCaller, sink)
      yield* watcher.watch(`mana://notes/${mine}`)
      // A second watched resource marks how far the feed got: its notification comes after
      // everything published before it, so what precedes it in the queue is all there was.
      yield* watcher.watch("mana://habits/today")
      const habitsChanged = (title: string) =>
        Effect.zipRight(
          callTool(run, "habits.create", { title }, aliceCaller),
          changes.publish({ userId: alice, appId: "habits", tables: ["habits"] })
        )
      const next = Queue.take(queue)

      // Another note changes and the signal names the table: nothing for `mine`.
      yield* seedChanges("notes", [noteUpdate(other, { isPinned: true })])
      yield* changes.publish(notesChanged(alice))
      yield* habitsChanged("Walk")
      assert.deepStrictEqual(yield* next, { _tag: "updated", uri: "mana://habits/today" })
      // The web app changes the watched note.
      yield* seedChanges("notes", [noteUpdate(mine, { isPinned: true })])
      yield* changes.publish(notesChanged(alice))
      assert.deepStrictEqual(yield* next, { _tag: "updated", uri: `mana://notes/${mine}` })
      // The same signal again without a change: nothing.
      yield* changes.publish(notesChanged(alice))
      yield* habitsChanged("Read")
      assert.deepStrictEqual(yield* next, { _tag: "updated", uri: "mana://habits/today" })
      assert.strictEqual(yield* Queue.size(queue), 0)
    }).pipe(Effect.provide(resourceLayer())))

  it.effect("a record added or removed is a list change for a list watcher", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const changes = yield* UserChanges
      const watch = yield* ResourceWatch
      const { queue, sink } = yield* queueSink
      const watcher = yield* watch.open(aliceCaller, sink)
      yield* watcher.watchList
      const note = idOf(yield* callTool(run, "notes.create", { title: "New", content: "n" }, aliceCaller), "note")
      yield* changes.publish(notesChanged(alice))
      assert.deepStrictEqual(yield* Queue.take(queue), { _tag: "listChanged" })
      yield* callTool(run, "notes.delete", { id: note }, aliceCaller)
      yield* changes.publish(notesChanged(alice))
      assert.deepStrictEqual(yield* Queue.take(queue), { _tag: "listChanged" })
    }).pipe(Effect.provide(resourceLayer({ env: { POLICY_ALLOW_DESTRUCTIVE: "notes.delete" } }))))

  it.effect("a user who may not see a record never learns of its change", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const changes = yield* UserChanges
      const watch = yield* ResourceWatch
      const aliceShared = callerFor(alice, spaceShared)
      const bobShared = callerFor(bob, spaceShared)
      // Alice's private note in the shared space; Bob's own note there.
      const secret = "5e5e5e5e-0000-4000-8000-000000000001"
      yield* seedInsert(
        "notes",
        "notes",
        secret,
        { title: "enc:1:x", content: "enc:1:y", visibility: "private" },
        aliceShared
      )
      const bobs = idOf(yield* callTool(run, "notes.create", { title: "Bob", content: "b" }, bobShared), "note")
      const { queue, sink } = yield* queueSink
      const watcher = yield* watch.open(bobShared, sink)
      // Even watched directly (bypassing the read a subscribe does first), and with list changes.
      yield* watcher.watch(`mana://notes/${secret}`)
      yield* watcher.watch(`mana://notes/${bobs}`)
      yield* watcher.watchList
      yield* seedChanges("notes", [noteUpdate(secret, { isPinned: true })], aliceShared)
      yield* seedInsert("notes", "notes", "5e5e5e5e-0000-4000-8000-000000000002", {
        title: "enc:1:z",
        visibility: "private"
      }, aliceShared)
      yield* changes.publish(notesChanged(bob))
      // Then a change Bob may see: the first notification he gets is about his own note.
      yield* seedChanges("notes", [noteUpdate(bobs, { isPinned: true })], bobShared)
      yield* changes.publish(notesChanged(bob))
      assert.deepStrictEqual(yield* Queue.take(queue), { _tag: "updated", uri: `mana://notes/${bobs}` })
      assert.strictEqual(yield* Queue.size(queue), 0)
    }).pipe(Effect.provide(resourceLayer())))

  it.effect("watches are bounded per user over all watchers, with an error naming the bound, and counted", () =>
    Effect.gen(function*() {
      const watch = yield* ResourceWatch
      const { sink } = yield* queueSink
      const first = yield* watch.open(aliceCaller, sink)
      const second = yield* watch.open(aliceCaller, sink)
      yield* first.watch("mana://habits/today")
      yield* first.watch("mana://notes/0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d")
      yield* second.watchList
      const refused = yield* Effect.flip(second.watch("mana://tasks/0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"))
      assert.strictEqual(refused.reason, "LimitReached")
      assert.include(refused.message, "at most 3")
      const metrics = yield* Metrics
      const gauge = (name: string) => Effect.map(metrics.render, (text) => metricValue(text, name))
      assert.strictEqual(yield* gauge("mana_mcp_resource_watches"), 3)
      assert.strictEqual(yield* gauge("mana_mcp_resource_subscriptions_refused_total"), 1)
      // Bob has his own bound; closing a watcher frees its share.
      const bobs = yield* watch.open(callerFor(bob), sink)
      yield* bobs.watch("mana://habits/today")
      yield* first.close
      assert.strictEqual(watch.watchCount(alice), 1)
      assert.strictEqual(yield* gauge("mana_mcp_resource_watches"), 2)
      yield* second.watch("mana://tasks/0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d")
    }).pipe(Effect.provide(resourceLayer({ maxPerUser: 3 }))))

  it.effect("a closed watcher hears nothing; an expired token ends the watcher at its next change", () =>
    Effect.gen(function*() {
      const run = yield* runner
      const changes = yield* UserChanges
      const watch = yield* ResourceWatch
      const note = idOf(yield* callTool(run, "notes.create", { title: "A", content: "a" }, aliceCaller), "note")
      const closed = yield* queueSink
      const gone = yield* watch.open(aliceCaller, closed.sink)
      yield* gone.watch(`mana://notes/${note}`)
      yield* gone.close
      const expiring = yield* queueSink
      const caller = { ...aliceCaller, principal: { ...principalFor(alice), expiresAt: 60 } }
      const watcher = yield* watch.open(caller, expiring.sink)
      yield* watcher.watch(`mana://notes/${note}`)
      yield* TestClock.adjust("2 minutes")
      yield* seedChanges("notes", [noteUpdate(note, { isPinned: true })])
      yield* changes.publish(notesChanged(alice))
      assert.deepStrictEqual(yield* Queue.take(expiring.queue), { _tag: "ended" })
      assert.strictEqual(yield* Queue.size(closed.queue), 0)
      assert.strictEqual(watch.watchCount(alice), 0)
    }).pipe(Effect.provide(resourceLayer())))
})
