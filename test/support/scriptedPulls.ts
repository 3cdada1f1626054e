/**
 * A scripted mana-sync for ReadCache tests: rows with explicit `created_at`, pages of two, and a
 * log of every `since` the cache asked for, so cursor, overlap, dedupe, eviction, rebuilds and
 * how many pulls a read sent are observable. `setup` builds a cache (READ_FRESHNESS=0 unless told)
 * over it, on the TestClock.
 */
import { Effect, Option, Ref } from "effect"
import { makeReadCache, type ReadCacheOptions } from "../../src/sync/ReadCache.ts"
import { formatInstantMicros, parseInstantMicros, type WireChange } from "../../src/sync/SyncWire.ts"
import { makeWriteFenceMemory, WriteFence, type WriteFenceShape } from "../../src/sync/WriteFence.ts"

export const SECOND = 1_000_000
export const T0 = Date.UTC(2026, 0, 1) * 1000

interface Row {
  readonly at: number
  readonly change: WireChange
}

export const makeServer = Effect.gen(function*() {
  const rows = yield* Ref.make<ReadonlyArray<Row>>([])
  const now = yield* Ref.make(T0)
  const sinces = yield* Ref.make<ReadonlyArray<string>>([])
  const delivered = yield* Ref.make(0)
  const active = yield* Ref.make(0)
  const maxActive = yield* Ref.make(0)
  let seq = 0
  const add = (at: number, title: string, id = `r${seq}`) =>
    Ref.update(
      rows,
      (all) =>
        [...all, {
          at,
          change: {
            eventId: `e${++seq}`,
            table: "habits",
            id,
            op: "insert" as const,
            data: { title, updatedAt: formatInstantMicros(at) }
          }
        }]
          .sort((a, b) => a.at - b.at)
    )
  const pull = (since: string) =>
    Effect.gen(function*() {
      yield* Ref.update(sinces, (s) => [...s, since])
      const n = yield* Ref.updateAndGet(active, (a) => a + 1)
      yield* Ref.update(maxActive, (m) => Math.max(m, n))
      yield* Effect.yieldNow()
      const from = Option.getOrElse(parseInstantMicros(since), () => 0)
      const matched = (yield* Ref.get(rows)).filter((r) => r.at > from)
      const page = matched.slice(0, 2)
      yield* Ref.update(delivered, (d) => d + page.length)
      yield* Ref.update(active, (a) => a - 1)
      const hasMore = matched.length > 2
      const last = page[page.length - 1]
      return {
        serverChanges: page.map((r) => r.change),
        syncedUntil: formatInstantMicros(hasMore && last !== undefined ? last.at : yield* Ref.get(now)),
        ...(hasMore ? { hasMore: true } : {})
      }
    })
  return { add, pull, now, sinces, delivered, maxActive }
})

/** Pulls on every read unless `freshness` says otherwise: most tests here are about what a pull brings. */
export const setup = (options: Partial<ReadCacheOptions> = {}, fence: WriteFenceShape = makeWriteFenceMemory()) =>
  Effect.all({
    cache: makeReadCache({
      maxUsers: 10,
      maxRecords: 1_000_000,
      overlap: "5 seconds",
      rebuildAfter: "15 minutes",
      freshness: 0,
      ...options
    })
      .pipe(Effect.provideService(WriteFence, fence)),
    server: makeServer
  })

export const key = { userId: "u1", app: "habits", table: "habits" }
export const titles = (records: ReadonlyArray<{ readonly data: Readonly<Record<string, unknown>> }>) =>
  records.map((r) => String(r.data["title"])).sort()
