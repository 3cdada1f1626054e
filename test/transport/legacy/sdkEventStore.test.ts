import { assert, describe, it } from "@effect/vitest"
import type { JSONRPCMessage } from "@modelcontextprotocol/server"
import { Duration, Effect, Fiber, Option, type Runtime, TestClock } from "effect"
import type { EventStoreShape } from "../../../src/streams/EventStore.ts"
import { makeEventStoreMemory } from "../../../src/streams/eventStoreMemory.ts"
import { localStreamsKept, makeSdkEventStore } from "../../../src/transport/legacy/sdkEventStore.ts"

const limits = {
  eventsPerStream: 100,
  streamsPerSession: 10,
  sessions: 10,
  ttl: Duration.minutes(30),
  maxBytes: 1_000_000
}
const result = (id: number): JSONRPCMessage => ({ jsonrpc: "2.0", id, result: { ok: id } })
const progress: JSONRPCMessage = {
  jsonrpc: "2.0",
  method: "notifications/progress",
  params: { progressToken: 1, progress: 1 }
}

/** Session "s"'s SDK event store on `instanceId`, polling every 100 ms. */
const storeOn = (events: EventStoreShape, runtime: Runtime.Runtime<never>, instanceId: string, tailMillis: number) =>
  makeSdkEventStore(events, runtime, { sessionId: "s", instanceId, tailMillis, pollMillis: 100 })

const replay = (store: ReturnType<typeof makeSdkEventStore>, lastEventId: string) =>
  Effect.gen(function*() {
    const sent: Array<[string, JSONRPCMessage]> = []
    const streamId = yield* Effect.promise(() =>
      store.replayEventsAfter(lastEventId, {
        send: (eventId, message) => Promise.resolve(void sent.push([eventId, message]))
      })
    )
    return { streamId, sent }
  })

describe("sdkEventStore", () => {
  it.effect("ids name the stream; the priming event stores nothing; a resume replays what followed it", () =>
    Effect.gen(function*() {
      const events = yield* makeEventStoreMemory(limits)
      const runtime = yield* Effect.runtime<never>()
      const a = storeOn(events, runtime, "A", 30_000)
      const priming = yield* Effect.promise(() => a.storeEvent("stream-1", {} as JSONRPCMessage))
      assert.strictEqual(priming, "stream-1/0")
      const first = yield* Effect.promise(() => a.storeEvent("stream-1", progress))
      yield* Effect.promise(() => a.storeEvent("stream-1", result(7)))
      assert.strictEqual(yield* Effect.promise(() => a.getStreamIdForEventId!(first)), "stream-1")
      yield* Effect.yieldNow()
      const all = yield* replay(a, priming)
      assert.strictEqual(all.streamId, "stream-1")
      assert.deepStrictEqual(all.sent.map(([, message]) => message), [progress, result(7)])
      const rest = yield* replay(a, first)
      assert.deepStrictEqual(rest.sent.map(([, message]) => message), [result(7)])
    }))

  it.effect("a resume on another instance waits for the result the owner is still producing", () =>
    Effect.gen(function*() {
      const events = yield* makeEventStoreMemory(limits)
      const runtime = yield* Effect.runtime<never>()
      const owner = storeOn(events, runtime, "A", 30_000)
      const other = storeOn(events, runtime, "B", 30_000)
      const priming = yield* Effect.promise(() => owner.storeEvent("stream-1", {} as JSONRPCMessage))
      const waiting = yield* Effect.fork(replay(other, priming))
      yield* TestClock.adjust("1 second")
      assert.isTrue(Option.isNone(yield* Fiber.poll(waiting)))
      yield* Effect.promise(() => owner.storeEvent("stream-1", result(3)))
      yield* TestClock.adjust("200 millis")
      const resumed = yield* Fiber.join(waiting)
      assert.deepStrictEqual(resumed.sent.map(([, message]) => message), [result(3)])
    }))

  it.effect("gives up waiting after tailMillis, so the client reconnects and asks again", () =>
    Effect.gen(function*() {
      const events = yield* makeEventStoreMemory(limits)
      const runtime = yield* Effect.runtime<never>()
      const other = storeOn(events, runtime, "B", 5_000)
      const waiting = yield* Effect.fork(replay(other, "stream-9/0"))
      yield* TestClock.adjust("4 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(waiting)))
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual((yield* Fiber.join(waiting)).sent, [])
    }))

  it.effect("remembers only the most recent local streams, so a busy session's memory stays bounded", () =>
    Effect.gen(function*() {
      const events = yield* makeEventStoreMemory(limits)
      const runtime = yield* Effect.runtime<never>()
      const a = storeOn(events, runtime, "A", 5_000)
      for (let i = 0; i <= localStreamsKept; i++) {
        yield* Effect.promise(() => a.storeEvent(`stream-${i}`, {} as JSONRPCMessage))
      }
      // The newest is still known as local: a resume with nothing stored returns without waiting
      // (the test clock never moves here).
      assert.deepStrictEqual((yield* replay(a, `stream-${localStreamsKept}/0`)).sent, [])
      // The oldest was forgotten: its resume polls the store like a foreign stream's, until tailMillis.
      const oldest = yield* Effect.fork(replay(a, "stream-0/0"))
      yield* TestClock.adjust("4 seconds")
      assert.isTrue(Option.isNone(yield* Fiber.poll(oldest)))
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual((yield* Fiber.join(oldest)).sent, [])
    }))
})
