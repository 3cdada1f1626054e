/**
 * mana-sync's live endpoints (docs/upstreams.md §3.8) as the dev mana-sync serves them on a real
 * socket: `/ws` in-band auth within the timeout, `auth-ok`, ping/pong, `sync-available` to every
 * subscriber of the pushing user (and to nobody else, not even a member of the same space), and
 * the SSE stream's catch-up and live pages.
 */
import { assert, describe, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Option, Queue } from "effect"
import { makeDevSync } from "../../src/dev/sync/DevSync.ts"
import { startJwksServer } from "../support/jwksServer.ts"
import { serveLiveSync } from "../support/liveSyncServer.ts"
import { nextMessage, openRawWs, openSse } from "../support/rawLive.ts"
import { alice, bob, memberships, spaceShared } from "../support/users.ts"

const start = Effect.gen(function*() {
  const issuer = yield* startJwksServer
  const devSync = yield* Effect.orDie(makeDevSync({
    jwksUrl: issuer.jwksUrl,
    memberships,
    dataDir: Option.none(),
    liveAuthTimeout: Duration.millis(300)
  }))
  const syncUrl = (yield* serveLiveSync(devSync)).url
  const push = (userId: string, table: string, id: string) =>
    Effect.flatMap(issuer.tokenFor(userId), (token) =>
      Effect.promise(() =>
        fetch(`${syncUrl}/sync/todo`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({
            clientId: "web-app",
            changes: [{ table, id, op: "insert", spaceId: spaceShared, data: { title: id } }]
          })
        }).then((response) => response.status)
      ))
  return { issuer, devSync, syncUrl, push }
})

const authed = (syncUrl: string, token: string) =>
  Effect.gen(function*() {
    const ws = yield* openRawWs(syncUrl)
    yield* ws.send({ type: "auth", token })
    assert.deepStrictEqual(yield* nextMessage(ws), { type: "auth-ok" })
    return ws
  })

describe("mana-sync live endpoints (DevSync)", () => {
  it.live("/ws: auth-ok, ping/pong, and sync-available to every subscriber of the pushing user only", () =>
    Effect.gen(function*() {
      const { issuer, push, syncUrl } = yield* start
      const first = yield* authed(syncUrl, yield* issuer.tokenFor(alice))
      const second = yield* authed(syncUrl, yield* issuer.tokenFor(alice))
      const other = yield* authed(syncUrl, yield* issuer.tokenFor(bob))
      yield* first.send({ type: "ping" })
      assert.deepStrictEqual(yield* nextMessage(first), { type: "pong" })

      // Bob shares the space, but mana-sync notifies the pushing user's subscribers only.
      assert.strictEqual(yield* push(alice, "tasks", "t1"), 200)
      const expected = { type: "sync-available", appId: "todo", tables: ["tasks"] }
      assert.deepStrictEqual(yield* nextMessage(first), expected)
      assert.deepStrictEqual(yield* nextMessage(second), expected)
      assert.strictEqual(yield* push(bob, "tasks", "t2"), 200)
      assert.deepStrictEqual(yield* nextMessage(other), expected)
      assert.isUndefined(yield* nextMessage(first, 200))

      const health = yield* Effect.promise(() => fetch(`${syncUrl}/health`).then((r) => r.json()))
      assert.deepInclude(health, { connections: 3, users: 2 })
    }).pipe(Effect.scoped))

  it.live("/ws: no auth within the timeout, or a bad token, closes the socket with 4001", () =>
    Effect.gen(function*() {
      const { issuer, syncUrl } = yield* start
      const silent = yield* openRawWs(syncUrl)
      assert.strictEqual(yield* Deferred.await(silent.closed), 4001)
      const bad = yield* openRawWs(syncUrl, "/ws/todo")
      yield* bad.send({ type: "auth", token: yield* issuer.sign({ claims: { exp: 1 } }) })
      assert.strictEqual(yield* Deferred.await(bad.closed), 4001)
      assert.strictEqual(yield* Queue.size(bad.messages), 0)
    }).pipe(Effect.scoped))

  it.live("SSE stream: catch-up pages, then the pushing user's new changes, without eventId and spaceId", () =>
    Effect.gen(function*() {
      const { issuer, push, syncUrl } = yield* start
      yield* push(alice, "tasks", "before")
      const url = `${syncUrl}/sync/todo/stream?collections=tasks,notes&since=1970-01-01T00:00:00Z`
      const sse = yield* openSse(url, yield* issuer.tokenFor(alice))
      assert.strictEqual(sse.status, 200)
      const catchUp = [yield* Queue.take(sse.events), yield* Queue.take(sse.events)]
      assert.deepStrictEqual(catchUp.map((e) => e.event), ["changes", "changes"])
      const tasks = catchUp[0]?.data as { table: string; changes: Array<Record<string, unknown>> }
      assert.strictEqual(tasks.table, "tasks")
      assert.deepStrictEqual(tasks.changes.map((c) => c["id"]), ["before"])
      assert.notProperty(tasks.changes[0], "eventId")
      assert.notProperty(tasks.changes[0], "spaceId")

      yield* push(alice, "tasks", "after")
      const live = yield* Queue.take(sse.events)
      assert.strictEqual(live.event, "changes")
      assert.deepStrictEqual((live.data as { changes: Array<{ id: string }> }).changes.map((c) => c.id), ["after"])

      const unauthorized = yield* openSse(url, "not-a-jwt")
      assert.strictEqual(unauthorized.status, 401)
    }).pipe(Effect.scoped))
})
