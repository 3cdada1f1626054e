/**
 * ReadCache against a scripted server: rows with explicit `created_at`, pages of two, and a log
 * of every `since` the cache asked for, so cursor, overlap, dedupe, eviction and rebuilds are
 * observable.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Fiber, Ref, TestClock } from "effect"
import { Metrics } from "../../src/observability/Metrics.ts"
import { StateStoreUnavailable } from "../../src/state/StateStoreUnavailable.ts"
import type { PullPage, ReadCacheOptions } from "../../src/sync/ReadCache.ts"
import { SyncUnavailable } from "../../src/sync/SyncErrors.ts"
import { EPOCH, formatInstantMicros } from "../../src/sync/SyncWire.ts"
import { makeWriteFenceMemory, type WriteFenceShape } from "../../src/sync/WriteFence.ts"
import { key, SECOND, setup, T0, titles } from "../support/scriptedPulls.ts"

/** The server's pull, held at its start until `release`; `started` counts pulls that began. */
const gated = (pull: PullPage) =>
  Effect.gen(function*() {
    const gate = yield* Deferred.make<void>()
    const started = yield* Ref.make(0)
    const untilStarted = (n: number) =>
      Effect.gen(function*() {
        while ((yield* Ref.get(started)) < n) yield* Effect.yieldNow()
      })
    return {
      /** Lets forked readers run until they wait (on the gate or on a shared pull). */
      settle: Effect.repeatN(Effect.yieldNow(), 20),
      pull: (since: string) =>
        Effect.zipRight(Ref.update(started, (k) => k + 1), Effect.zipRight(Deferred.await(gate), pull(since))),
      release: Deferred.succeed(gate, undefined),
      started,
      untilStarted
    }
  })

/** A cache whose first read of `key` (over a one-row server) is in flight, held at the gate. */
const firstReadInFlight = (options: Partial<ReadCacheOptions> = {}, fence?: WriteFenceShape) =>
  Effect.gen(function*() {
    const { cache, server } = yield* setup(options, fence)
    yield* server.add(T0 - 60 * SECOND, "a")
    const g = yield* gated(server.pull)
    const first = yield* Effect.fork(cache.read(key, g.pull))
    yield* g.untilStarted(1)
    return { cache, server, g, first }
  })

/** A fence in a shared store that is down: every look and every move fails. */
const unreachableFence: WriteFenceShape = {
  advance: () => Effect.fail(new StateStoreUnavailable({ store: "write-fence" })),
  current: () => Effect.fail(new StateStoreUnavailable({ store: "write-fence" })),
  currentInProcess: undefined
}

describe("ReadCache", () => {
  it.effect("pages through everything, then pulls only from the cursor minus the overlap", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup()
      for (let i = 0; i < 5; i++) yield* server.add(T0 - 60 * SECOND + i, `h${i}`)
      assert.strictEqual((yield* cache.read(key, server.pull)).length, 5)
      assert.strictEqual((yield* Ref.get(server.sinces))[0], EPOCH)
      assert.strictEqual((yield* Ref.get(server.sinces)).length, 3)
      assert.strictEqual(yield* Ref.get(server.delivered), 5)

      yield* server.add(T0 + 10 * SECOND, "new")
      yield* Ref.set(server.now, T0 + 20 * SECOND)
      assert.strictEqual((yield* cache.read(key, server.pull)).length, 6)
      assert.strictEqual((yield* Ref.get(server.sinces))[3], formatInstantMicros(T0 - 5 * SECOND))
      assert.strictEqual(yield* Ref.get(server.delivered), 6)
    }))

  it.effect("picks up a late row committed just before the cursor, and dedupes the overlap", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup()
      yield* server.add(T0 - 2 * SECOND, "a", "same")
      assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a"])
      // Committed after the pull but stamped before its cursor (clock skew, docs/upstreams.md §3.4).
      yield* server.add(T0 - 1 * SECOND, "late")
      const records = yield* cache.read(key, server.pull)
      assert.deepStrictEqual(titles(records), ["a", "late"])
    }))

  it.effect("serialises concurrent reads of one key", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup()
      for (let i = 0; i < 6; i++) yield* server.add(T0 - 60 * SECOND + i, `h${i}`)
      const results = yield* Effect.all([cache.read(key, server.pull), cache.read(key, server.pull)], {
        concurrency: 2
      })
      assert.deepStrictEqual(results.map((r) => r.length), [6, 6])
      assert.strictEqual(yield* Ref.get(server.maxActive), 1)
    }))

  it.effect("evicts the least recently used user beyond maxUsers", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup({ maxUsers: 1 })
      yield* server.add(T0 - 60 * SECOND, "x")
      yield* cache.read(key, server.pull)
      yield* cache.read({ ...key, userId: "u2" }, server.pull)
      yield* cache.read(key, server.pull)
      assert.deepStrictEqual(yield* Ref.get(server.sinces), [EPOCH, EPOCH, EPOCH])
    }))

  it.effect("bounds the records held over all users: the least recently read users go first, never the reader", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup({ maxRecords: 4 })
      for (let i = 0; i < 3; i++) yield* server.add(T0 - 60 * SECOND + i, `h${i}`)
      const coldReads = Effect.map(Ref.get(server.sinces), (sinces) => sinces.filter((s) => s === EPOCH).length)
      yield* cache.read(key, server.pull)
      yield* cache.read({ ...key, userId: "u2" }, server.pull) // 6 records: u1 is dropped
      yield* cache.read({ ...key, userId: "u2" }, server.pull)
      assert.strictEqual(yield* coldReads, 2)
      yield* cache.read(key, server.pull) // u1 again from the start; now u2 is dropped
      assert.strictEqual(yield* coldReads, 3)
      const text = yield* Effect.flatMap(Metrics, (metrics) => metrics.render)
      assert.include(text, `mana_mcp_read_cache_evictions_total{reason="records",service="mana-mcp"} 2`)
      assert.include(text, `mana_mcp_read_cache_records{service="mana-mcp"} 3`)
      // One user over the bound alone is still served from the cache.
      const alone = yield* setup({ maxRecords: 2 })
      for (let i = 0; i < 3; i++) yield* alone.server.add(T0 - 60 * SECOND + i, `h${i}`)
      yield* alone.cache.read(key, alone.server.pull)
      yield* alone.cache.read(key, alone.server.pull)
      assert.strictEqual((yield* Ref.get(alone.server.sinces)).filter((s) => s === EPOCH).length, 1)
    }).pipe(Effect.provide(Metrics.layer)))

  it.effect("rebuilds from the epoch once the state is older than rebuildAfter", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup()
      yield* server.add(T0 - 60 * SECOND, "x")
      yield* cache.read(key, server.pull)
      yield* TestClock.adjust("10 minutes")
      yield* cache.read(key, server.pull)
      assert.notStrictEqual((yield* Ref.get(server.sinces))[1], EPOCH)
      yield* TestClock.adjust("6 minutes")
      yield* cache.read(key, server.pull)
      assert.strictEqual((yield* Ref.get(server.sinces))[2], EPOCH)
    }))

  it.effect("keeps the previous state when a pull fails midway", () =>
    Effect.gen(function*() {
      const { cache, server } = yield* setup()
      yield* server.add(T0 - 60 * SECOND, "x")
      yield* cache.read(key, server.pull)
      for (let i = 0; i < 3; i++) yield* server.add(T0 + i, `y${i}`)
      const calls = yield* Ref.make(0)
      const flaky = (since: string) =>
        Effect.flatMap(Ref.updateAndGet(calls, (n) => n + 1), (n) =>
          n === 2 ? Effect.fail(new SyncUnavailable({ app: "habits", reason: "network" })) : server.pull(since))
      const error = yield* Effect.flip(cache.read(key, flaky))
      assert.strictEqual(error._tag, "SyncUnavailable")
      const sincesBefore = (yield* Ref.get(server.sinces)).length
      assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["x", "y0", "y1", "y2"])
      // The failed read did not move the cursor: the retry starts where the last good read ended.
      assert.strictEqual((yield* Ref.get(server.sinces))[sincesBefore], (yield* Ref.get(server.sinces))[1])
    }))

  describe("single-flight", () => {
    it.effect("concurrent reads of one key share one in-flight pull", () =>
      Effect.gen(function*() {
        const { cache, server, g, first } = yield* firstReadInFlight()
        const others = yield* Effect.fork(Effect.all([cache.read(key, g.pull), cache.read(key, g.pull)], {
          concurrency: 2
        }))
        yield* g.settle
        yield* g.release
        const [a, [b, c]] = yield* Effect.all([Fiber.join(first), Fiber.join(others)])
        assert.deepStrictEqual([titles(a), titles(b), titles(c)], [["a"], ["a"], ["a"]])
        assert.strictEqual(yield* Ref.get(g.started), 1)
        assert.strictEqual((yield* Ref.get(server.sinces)).length, 1)
      }))

    it.effect("a read that starts after a write returned gets a pull sent after it, and sees the write", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup()
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        const g = yield* gated(server.pull)
        const before = yield* Effect.fork(cache.read(key, g.pull))
        yield* g.untilStarted(1)
        // A write lands upstream and returns while that pull is in flight (it was sent earlier).
        yield* server.add(T0 + SECOND, "written")
        yield* cache.noteWrite("habits", "habits")
        const after = yield* Effect.fork(cache.read(key, g.pull))
        yield* g.release
        yield* Fiber.join(before)
        assert.deepStrictEqual(titles(yield* Fiber.join(after)), ["a", "written"])
        // Two pulls, one after the other: the later read did not join, and pulls never overlap.
        assert.strictEqual(yield* Ref.get(g.started), 2)
        assert.strictEqual(yield* Ref.get(server.maxActive), 1)
      }))

    it.effect("a write to another table does not stop reads from sharing a pull", () =>
      Effect.gen(function*() {
        const { cache, g, first } = yield* firstReadInFlight()
        yield* cache.noteWrite("todo", "tasks")
        const second = yield* Effect.fork(cache.read(key, g.pull))
        yield* g.settle
        yield* g.release
        yield* Fiber.join(first)
        yield* Fiber.join(second)
        assert.strictEqual(yield* Ref.get(g.started), 1)
      }))

    it.effect("a reader whose shared pull's owner is interrupted pulls for itself", () =>
      Effect.gen(function*() {
        const { cache, g, first: owner } = yield* firstReadInFlight()
        const joiner = yield* Effect.fork(cache.read(key, g.pull))
        yield* Effect.yieldNow()
        yield* Fiber.interrupt(owner)
        yield* g.untilStarted(2)
        yield* g.release
        assert.deepStrictEqual(titles(yield* Fiber.join(joiner)), ["a"])
      }))
  })

  describe("freshness (READ_FRESHNESS)", () => {
    const fresh = { freshness: "1 second" } as const
    const pulls = (server: { readonly sinces: Ref.Ref<ReadonlyArray<string>> }) =>
      Effect.map(Ref.get(server.sinces), (sinces) => sinces.length)

    it.effect("reuses the state without pulling inside the window, and pulls once it has passed", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup(fresh)
        yield* server.add(T0 - 60 * SECOND, "a")
        assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a"])
        const afterFirst = yield* pulls(server)
        // Written elsewhere (another device): not this gateway's write, so the fence does not move.
        yield* server.add(T0 + SECOND, "elsewhere")
        yield* TestClock.adjust("999 millis")
        assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a"])
        assert.strictEqual(yield* pulls(server), afterFirst)
        yield* TestClock.adjust("1 millis")
        assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a", "elsewhere"])
        assert.strictEqual(yield* pulls(server), afterFirst + 1)
      }))

    it.effect("a write of this gateway that returned makes the next read pull, inside the window", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup(fresh)
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        yield* server.add(T0 + SECOND, "written")
        yield* cache.noteWrite("habits", "habits")
        assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a", "written"])
        // The pull after the write is fresh again: the next read reuses it.
        const before = yield* pulls(server)
        yield* cache.read(key, server.pull)
        assert.strictEqual(yield* pulls(server), before)
      }))

    it.effect("a write noted by another cache sharing the fence (another instance) makes the next read pull", () =>
      Effect.gen(function*() {
        const fence = makeWriteFenceMemory()
        const { cache, server } = yield* setup(fresh, fence)
        const other = yield* setup(fresh, fence)
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        yield* server.add(T0 + SECOND, "written")
        yield* other.cache.noteWrite("habits", "habits")
        assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a", "written"])
      }))

    it.effect("a write to another table does not end the window", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup(fresh)
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        yield* cache.noteWrite("todo", "tasks")
        const before = yield* pulls(server)
        yield* cache.read(key, server.pull)
        assert.strictEqual(yield* pulls(server), before)
      }))

    it.effect("READ_FRESHNESS=0 pulls on every read", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup({ freshness: 0 })
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        yield* server.add(T0 + SECOND, "elsewhere")
        assert.deepStrictEqual(titles(yield* cache.read(key, server.pull)), ["a", "elsewhere"])
        yield* cache.read(key, server.pull)
        assert.strictEqual(yield* pulls(server), 3)
      }))

    it.effect("the window counts from when the pull started, not when it ended", () =>
      Effect.gen(function*() {
        const { cache, g, first } = yield* firstReadInFlight(fresh)
        yield* TestClock.adjust("900 millis")
        yield* g.release
        yield* Fiber.join(first)
        yield* TestClock.adjust("100 millis")
        yield* cache.read(key, g.pull)
        assert.strictEqual(yield* Ref.get(g.started), 2)
      }))

    it.effect("concurrent reads share one pull, and reads after it reuse its state", () =>
      Effect.gen(function*() {
        const { cache, g, first } = yield* firstReadInFlight(fresh)
        const others = yield* Effect.fork(
          Effect.all([cache.read(key, g.pull), cache.read(key, g.pull)], { concurrency: 2 })
        )
        yield* g.settle
        yield* g.release
        const [a, [b, c]] = yield* Effect.all([Fiber.join(first), Fiber.join(others)])
        const d = yield* cache.read(key, g.pull)
        assert.deepStrictEqual([titles(a), titles(b), titles(c), titles(d)], [["a"], ["a"], ["a"], ["a"]])
        assert.strictEqual(yield* Ref.get(g.started), 1)
      }))

    it.effect("state due for its rebuild is not reused, even inside the window", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup({ freshness: "1 minute", rebuildAfter: "30 seconds" })
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        yield* TestClock.adjust("40 seconds")
        yield* cache.read(key, server.pull)
        assert.deepStrictEqual(yield* Ref.get(server.sinces), [EPOCH, EPOCH])
      }))

    it.effect("a clock that went backwards is no proof of freshness: the read pulls", () =>
      Effect.gen(function*() {
        const { cache, server } = yield* setup(fresh)
        yield* TestClock.setTime(10_000)
        yield* server.add(T0 - 60 * SECOND, "a")
        yield* cache.read(key, server.pull)
        yield* TestClock.setTime(5_000)
        yield* cache.read(key, server.pull)
        assert.strictEqual(yield* pulls(server), 2)
      }))

    it.effect("a fence that cannot be read (store down) means a pull on every read, none shared", () =>
      Effect.gen(function*() {
        const { cache, server, g, first } = yield* firstReadInFlight(fresh, unreachableFence)
        const second = yield* Effect.fork(cache.read(key, g.pull))
        yield* g.settle
        yield* g.release
        yield* Fiber.join(first)
        yield* Fiber.join(second)
        yield* cache.read(key, g.pull)
        assert.strictEqual(yield* Ref.get(g.started), 3)
        assert.strictEqual(yield* Ref.get(server.maxActive), 1)
        // A fence that cannot be moved does not fail the write's caller.
        yield* cache.noteWrite("habits", "habits")
      }))
  })
})
