/**
 * The per-user notification connections (LiveSync) against the dev mana-sync's live endpoints on
 * a real socket: one connection per active user with their own token, notices marking the read
 * cache and reaching UserChanges once, a token expiring while the connection is open, a connection
 * dropped and restored under load, two instances on Redis, and users never learning of changes
 * they may not see.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Chunk, Clock, Duration, Effect, Exit, Fiber, Redacted, Ref, Scope, Stream } from "effect"
import type { CallerShape } from "../../src/domain/Caller.ts"
import type { UserChangesShape } from "../../src/live/UserChanges.ts"
import { type RedisServer, startRedisServer } from "../harness/redisServer.ts"
import { eventually, startInstance, startLiveUpstream } from "../support/liveStack.ts"
import { alice, bob, spaceA, spaceB } from "../support/users.ts"

/** The web app pushes a record for `caller`'s user straight to mana-sync; returns its id. */
const webPush = (syncUrl: string, caller: CallerShape, table = "habits") =>
  Effect.promise(async () => {
    const id = crypto.randomUUID()
    const response = await fetch(`${syncUrl}/sync/habits`, {
      method: "POST",
      headers: { authorization: `Bearer ${Redacted.value(caller.token)}`, "content-type": "application/json" },
      body: JSON.stringify({
        clientId: "web-app",
        changes: [{
          table,
          id,
          op: "insert",
          spaceId: caller.spaceId,
          data: { id, title: id, spaceId: caller.spaceId }
        }]
      })
    })
    assert.strictEqual(response.status, 200)
    return id
  })

/** The next `n` changes UserChanges publishes for `userId`, collected in the background. */
const collect = (changes: UserChangesShape, userId: string, n: number) =>
  Effect.flatMap(
    changes.subscribe(userId),
    (stream) => Effect.forkScoped(Stream.runCollect(Stream.take(stream, n)).pipe(Effect.map(Chunk.toArray)))
  )

const idsOf = (records: ReadonlyArray<{ readonly id: string }>) => records.map((record) => record.id)

describe("LiveSync", () => {
  it.live("holds one connection per active user; a web push marks the cache (one pull) and reaches UserChanges", () =>
    Effect.gen(function*() {
      const upstream = yield* startLiveUpstream
      const gateway = yield* startInstance(upstream.syncUrl, { freshness: "100 millis" })
      const me = yield* upstream.caller(alice, spaceA)
      yield* gateway.sync.read(me, "habits", "habits")
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1 && stats.fallbackUsers === 0)
      assert.deepInclude(yield* upstream.devSync.liveCounts, { connections: 1, users: 1 })
      // The first pull may predate auth-ok; a read past the window re-bases the state on the connection.
      yield* Effect.sleep("150 millis")
      yield* gateway.sync.read(me, "habits", "habits")
      const received = yield* collect(gateway.changes, alice, 1)
      const pullsBefore = yield* gateway.pulls
      yield* Effect.sleep("150 millis")
      yield* gateway.sync.read(me, "habits", "habits")
      assert.strictEqual(yield* gateway.pulls, pullsBefore, "no pull past the window while connected")

      const id = yield* webPush(upstream.syncUrl, me)
      assert.deepStrictEqual(yield* Fiber.join(received), [{ userId: alice, appId: "habits", tables: ["habits"] }])
      assert.include(idsOf(yield* gateway.sync.read(me, "habits", "habits")), id)
      yield* gateway.sync.read(me, "habits", "habits")
      assert.strictEqual(yield* gateway.pulls, pullsBefore + 1)
    }).pipe(Effect.scoped))

  it.live("a token expiring while the connection is open closes it (window fallback); a refreshed token reconnects", () =>
    Effect.gen(function*() {
      const upstream = yield* startLiveUpstream
      const gateway = yield* startInstance(upstream.syncUrl)
      const shortLived = yield* upstream.caller(alice, spaceA, { ttlSeconds: 2 })
      yield* gateway.sync.read(shortLived, "habits", "habits")
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1)
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 0 && stats.fallbackUsers === 1)
      yield* eventually(upstream.devSync.liveCounts, (counts) => counts.connections === 0)
      const refreshed = yield* upstream.caller(alice, spaceA)
      yield* gateway.sync.read(refreshed, "habits", "habits")
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1 && stats.fallbackUsers === 0)
    }).pipe(Effect.scoped))

  it.live("a refreshed token replaces the open connection's; an idle user's connection closes", () =>
    Effect.gen(function*() {
      const upstream = yield* startLiveUpstream
      const gateway = yield* startInstance(upstream.syncUrl, { live: { idleAfter: Duration.seconds(2) } })
      const first = yield* upstream.caller(alice, spaceA, { ttlSeconds: 600 })
      yield* gateway.sync.read(first, "habits", "habits")
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1)
      yield* Effect.sleep("1100 millis")
      yield* gateway.sync.read(first, "habits", "habits")
      const before = yield* gateway.pulls
      // A token living 5 minutes longer: the connection is replaced, so the cached state (pulled
      // under the old connection) is pulled once more, with no change notified.
      const refreshed = yield* upstream.caller(alice, spaceA, { ttlSeconds: 900 })
      yield* gateway.sync.read(refreshed, "habits", "habits")
      yield* eventually(
        Effect.zipRight(gateway.sync.read(refreshed, "habits", "habits"), gateway.pulls),
        (pulls) => pulls > before
      )
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1)
      // No call for idleAfter: the connection closes and the user is no longer active.
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 0 && stats.activeUsers === 0)
      yield* eventually(upstream.devSync.liveCounts, (counts) => counts.connections === 0)
    }).pipe(Effect.scoped))

  it.live("a connection dropped mid-load is restored; meanwhile no read is stale past READ_FRESHNESS", () =>
    Effect.gen(function*() {
      const freshness = Duration.millis(200)
      const upstream = yield* startLiveUpstream
      const gateway = yield* startInstance(upstream.syncUrl, { freshness })
      const me = yield* upstream.caller(alice, spaceA)
      yield* gateway.sync.read(me, "habits", "habits")
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1)
      const reads = yield* Ref.make<ReadonlyArray<{ readonly startedAt: number; readonly ids: ReadonlyArray<string> }>>(
        []
      )
      const load = yield* Effect.forkScoped(Effect.forever(Effect.gen(function*() {
        const startedAt = yield* Clock.currentTimeMillis
        const ids = idsOf(yield* gateway.sync.read(me, "habits", "habits"))
        yield* Ref.update(reads, (all) => [...all, { startedAt, ids }])
        yield* Effect.sleep("5 millis")
      })))
      yield* upstream.dropSockets
      const id = yield* webPush(upstream.syncUrl, me)
      const pushedAt = yield* Clock.currentTimeMillis
      yield* eventually(gateway.metric("mana_mcp_live_connection_failures_total"), (failures) => failures >= 1)
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 1 && stats.fallbackUsers === 0)
      yield* eventually(
        Ref.get(reads),
        (all) => all.some((read) => read.startedAt > pushedAt + 3 * Duration.toMillis(freshness))
      )
      yield* Fiber.interrupt(load)
      const bound = pushedAt + Duration.toMillis(freshness)
      const stale = (yield* Ref.get(reads)).filter((read) => read.startedAt > bound && !read.ids.includes(id))
      assert.deepStrictEqual(stale, [])
    }).pipe(Effect.scoped))

  it.live("a user who may not see a record never learns of its change", () =>
    Effect.gen(function*() {
      const upstream = yield* startLiveUpstream
      const gateway = yield* startInstance(upstream.syncUrl)
      const aliceCaller = yield* upstream.caller(alice, spaceA)
      const bobCaller = yield* upstream.caller(bob, spaceB)
      yield* gateway.sync.read(aliceCaller, "habits", "habits")
      yield* gateway.sync.read(bobCaller, "habits", "habits")
      yield* eventually(gateway.live.stats, (stats) => stats.connections === 2)
      const toAlice = yield* collect(gateway.changes, alice, 1)
      const toBob = yield* collect(gateway.changes, bob, 1)
      yield* webPush(upstream.syncUrl, aliceCaller)
      assert.deepStrictEqual(yield* Fiber.join(toAlice), [{ userId: alice, appId: "habits", tables: ["habits"] }])
      // Bob's own later change is the first thing he hears of: alice's never reached him.
      yield* webPush(upstream.syncUrl, bobCaller, "habitLogs")
      assert.deepStrictEqual(yield* Fiber.join(toBob), [{ userId: bob, appId: "habits", tables: ["habitLogs"] }])
    }).pipe(Effect.scoped))
})

describe("LiveSync, two instances on Redis", () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedisServer()
  })
  afterAll(async () => {
    await redis?.stop()
  })

  it.live("one connection for the user; each notice reaches both instances once; the other takes over", () =>
    Effect.gen(function*() {
      const upstream = yield* startLiveUpstream
      const shared = { url: redis.url, prefix: `test-${crypto.randomUUID()}:` }
      const firstScope = yield* Scope.make()
      const first = yield* startInstance(upstream.syncUrl, { redis: shared }).pipe(Scope.extend(firstScope))
      const second = yield* startInstance(upstream.syncUrl, { redis: shared })
      const me = yield* upstream.caller(alice, spaceA)
      yield* first.sync.read(me, "habits", "habits")
      yield* eventually(first.live.stats, (stats) => stats.connections === 1 && stats.fallbackUsers === 0)
      yield* second.sync.read(me, "habits", "habits")
      yield* eventually(second.live.stats, (stats) => stats.activeUsers === 1 && stats.fallbackUsers === 0)
      assert.strictEqual((yield* second.live.stats).connections, 0)
      assert.strictEqual((yield* upstream.devSync.liveCounts).connections, 1)

      const onFirst = yield* collect(first.changes, alice, 2)
      const onSecond = yield* collect(second.changes, alice, 2)
      yield* webPush(upstream.syncUrl, me)
      yield* webPush(upstream.syncUrl, me, "habitLogs")
      const expected = [
        { userId: alice, appId: "habits", tables: ["habits"] },
        { userId: alice, appId: "habits", tables: ["habitLogs"] }
      ]
      assert.deepStrictEqual(yield* Fiber.join(onFirst), expected)
      assert.deepStrictEqual(yield* Fiber.join(onSecond), expected)

      yield* Scope.close(firstScope, Exit.void)
      yield* eventually(second.live.stats, (stats) => stats.connections === 1 && stats.fallbackUsers === 0)
      assert.strictEqual((yield* upstream.devSync.liveCounts).connections, 1)
    }).pipe(Effect.scoped))

  it.live("Redis restarting: users fall back to the window, then connections are trusted again, re-based by one pull", () =>
    Effect.gen(function*() {
      const upstream = yield* startLiveUpstream
      const shared = { url: redis.url, prefix: `test-${crypto.randomUUID()}:` }
      const holder = yield* startInstance(upstream.syncUrl, { redis: shared })
      const other = yield* startInstance(upstream.syncUrl, { redis: shared })
      const me = yield* upstream.caller(alice, spaceA)
      yield* holder.sync.read(me, "habits", "habits")
      yield* eventually(holder.live.stats, (stats) => stats.connections === 1 && stats.fallbackUsers === 0)
      yield* other.sync.read(me, "habits", "habits")
      yield* eventually(other.live.stats, (stats) => stats.fallbackUsers === 0)
      yield* Effect.sleep("1100 millis")
      yield* other.sync.read(me, "habits", "habits")
      const before = yield* other.pulls
      yield* Effect.promise(() => redis.stop())
      yield* eventually(other.live.stats, (stats) => stats.fallbackUsers === 1)
      yield* Effect.promise(() => redis.start())
      yield* eventually(other.live.stats, (stats) => stats.fallbackUsers === 0)
      // Notices sent while Redis was away are lost: what was pulled before is pulled once more.
      yield* other.sync.read(me, "habits", "habits")
      assert.isAbove(yield* other.pulls, before)
      const settled = yield* other.pulls
      yield* Effect.sleep("1100 millis")
      yield* other.sync.read(me, "habits", "habits")
      assert.strictEqual(yield* other.pulls, settled)
    }).pipe(Effect.scoped))
})
