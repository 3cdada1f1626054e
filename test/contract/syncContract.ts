/**
 * The SyncClient contract: one suite, run against every SyncClient layer (the engine-backed test
 * layer and the live HTTP client against the DevSync app on a real socket). A setup provides the
 * client plus a harness for what a test needs from outside the client: signed callers, a raw
 * transport (to play the web app or send malformed pushes) and the billing switch.
 */
import { assert, it } from "@effect/vitest"
import { Context, Effect, type Layer } from "effect"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { SyncClient } from "../../src/sync/SyncClient.ts"
import type { SyncError } from "../../src/sync/SyncErrors.ts"
import { alice, bob, spaceA, spaceShared } from "../support/users.ts"

export interface HarnessShape {
  /** A caller whose token the server accepts. */
  readonly caller: (userId: string, spaceId: string) => Effect.Effect<CallerShape>
  /** A caller whose token the server rejects. */
  readonly badCaller: (userId: string, spaceId: string) => CallerShape
  readonly setPaid: (userId: string, paid: boolean) => Effect.Effect<void>
  /** Pushes `body` as another client ("web-app"), bypassing the SyncClient's stamping. */
  readonly rawPush: (caller: CallerShape, app: string, body: unknown) => Effect.Effect<void, SyncError>
}

export class Harness extends Context.Tag("test/SyncHarness")<Harness, HarnessShape>() {}

const uuid = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`

const webPush = (caller: CallerShape, changes: ReadonlyArray<Record<string, unknown>>) =>
  Effect.flatMap(
    Harness,
    (h) => h.rawPush(caller, "habits", { clientId: "web-app", since: "2020-01-01T00:00:00Z", changes })
  )

export const syncContract = (name: string, setup: Layer.Layer<SyncClient | Harness, unknown>) => {
  const run = <A, E>(effect: Effect.Effect<A, E, SyncClient | Harness>) =>
    Effect.provide(effect, setup).pipe(Effect.scoped)

  const titles = (records: ReadonlyArray<{ readonly data: Readonly<Record<string, unknown>> }>) =>
    records.map((r) => String(r.data["title"])).sort()

  it.live(`${name}: own writes are visible and stamped`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const me = yield* (yield* Harness).caller(alice, spaceA)
      yield* sync.push(me, "habits", "habits.create", [{
        op: "insert",
        table: "habits",
        id: uuid(1),
        data: { title: "Walk" }
      }])
      const records = yield* sync.read(me, "habits", "habits")
      assert.strictEqual(records.length, 1)
      assert.strictEqual(records[0]?.id, uuid(1))
      assert.deepStrictEqual(records[0]?.data["title"], "Walk")
      assert.strictEqual(records[0]?.data["spaceId"], spaceA)
      assert.strictEqual(records[0]?.data["authorId"], alice)
      assert.strictEqual(records[0]?.data["visibility"], "space")
    })))

  it.live(`${name}: paginates past 1000 rows and then reads only the delta`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const me = yield* (yield* Harness).caller(alice, spaceA)
      const changes = Array.from({ length: 1500 }, (_, i) => ({
        op: "insert" as const,
        table: "habits",
        id: uuid(i + 1),
        data: { title: `h${i}` }
      }))
      yield* sync.push(me, "habits", "habits.create", changes)
      assert.strictEqual((yield* sync.read(me, "habits", "habits")).length, 1500)
      yield* sync.push(me, "habits", "habits.update", [{
        op: "update",
        table: "habits",
        id: uuid(1500),
        fields: { title: "last" }
      }])
      yield* sync.push(me, "habits", "habits.create", [{
        op: "insert",
        table: "habits",
        id: uuid(2000),
        data: { title: "new" }
      }])
      const records = yield* sync.read(me, "habits", "habits")
      assert.strictEqual(records.length, 1501)
      assert.strictEqual(records.find((r) => r.id === uuid(1500))?.data["title"], "last")
    })))

  it.live(`${name}: field-level LWW by \`at\`, not arrival order`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const me = yield* (yield* Harness).caller(alice, spaceA)
      yield* webPush(me, [
        {
          table: "habits",
          id: uuid(1),
          op: "insert",
          spaceId: spaceA,
          data: { title: "A", color: "#000000", spaceId: spaceA, updatedAt: "2020-01-01T00:00:00.000Z" }
        },
        {
          table: "habits",
          id: uuid(1),
          op: "update",
          spaceId: spaceA,
          fields: { title: { value: "C", at: "2020-01-03T00:00:00.000Z" } }
        },
        {
          table: "habits",
          id: uuid(1),
          op: "update",
          spaceId: spaceA,
          fields: {
            title: { value: "B", at: "2020-01-02T00:00:00.000000Z" },
            color: { value: "#ffffff", at: "2020-01-02T00:00:00Z" }
          }
        }
      ])
      const [record] = yield* sync.read(me, "habits", "habits")
      assert.strictEqual(record?.data["title"], "C")
      assert.strictEqual(record?.data["color"], "#ffffff")
      // The agent's update is stamped "now", which is later than every web stamp above.
      yield* sync.push(me, "habits", "habits.update", [{
        op: "update",
        table: "habits",
        id: uuid(1),
        fields: { title: "D" }
      }])
      assert.strictEqual((yield* sync.read(me, "habits", "habits"))[0]?.data["title"], "D")
    })))

  it.live(`${name}: an update before its insert makes a record the insert completes`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const me = yield* (yield* Harness).caller(alice, spaceA)
      yield* webPush(me, [
        {
          table: "habits",
          id: uuid(7),
          op: "update",
          spaceId: spaceA,
          fields: { title: { value: "new", at: "2020-02-02T00:00:00Z" } }
        }
      ])
      const partial = yield* sync.read(me, "habits", "habits")
      assert.deepStrictEqual(partial.map((r) => r.data), [{ title: "new" }])
      yield* webPush(me, [
        {
          table: "habits",
          id: uuid(7),
          op: "insert",
          spaceId: spaceA,
          data: { title: "old", icon: "sun", spaceId: spaceA, createdAt: "2020-02-01T00:00:00Z" }
        }
      ])
      const [record] = yield* sync.read(me, "habits", "habits")
      assert.strictEqual(record?.data["title"], "new")
      assert.strictEqual(record?.data["icon"], "sun")
    })))

  it.live(`${name}: deleted records disappear`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const me = yield* (yield* Harness).caller(alice, spaceA)
      yield* sync.push(me, "habits", "habits.create", [
        { op: "insert", table: "habits", id: uuid(1), data: { title: "keep" } },
        { op: "insert", table: "habits", id: uuid(2), data: { title: "drop" } }
      ])
      assert.strictEqual((yield* sync.read(me, "habits", "habits")).length, 2)
      yield* sync.push(me, "habits", "habits.delete", [{ op: "delete", table: "habits", id: uuid(2) }])
      assert.deepStrictEqual(titles(yield* sync.read(me, "habits", "habits")), ["keep"])
    })))

  it.live(`${name}: reads are filtered to the active space, shared spaces and private records`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const harness = yield* Harness
      const aliceA = yield* harness.caller(alice, spaceA)
      const aliceShared = yield* harness.caller(alice, spaceShared)
      const bobShared = yield* harness.caller(bob, spaceShared)
      yield* sync.push(aliceA, "habits", "t", [{ op: "insert", table: "habits", id: uuid(1), data: { title: "mine" } }])
      yield* sync.push(aliceShared, "habits", "t", [
        { op: "insert", table: "habits", id: uuid(2), data: { title: "ours" } },
        { op: "insert", table: "habits", id: uuid(3), data: { title: "secret", visibility: "private" } }
      ])
      assert.deepStrictEqual(titles(yield* sync.read(aliceA, "habits", "habits")), ["mine"])
      assert.deepStrictEqual(titles(yield* sync.read(aliceShared, "habits", "habits")), ["ours", "secret"])
      assert.deepStrictEqual(titles(yield* sync.read(bobShared, "habits", "habits")), ["ours"])
    })))

  it.live(`${name}: the personal space also shows sentinel and space-less legacy records`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const base = yield* (yield* Harness).caller(alice, spaceA)
      const personal = { ...base, personalSpaceId: spaceA }
      yield* webPush(base, [
        { table: "habits", id: uuid(1), op: "insert", data: { title: "legacy" } },
        { table: "habits", id: uuid(2), op: "insert", data: { title: "bootstrap", spaceId: `_personal:${alice}` } },
        {
          table: "habits",
          id: uuid(3),
          op: "insert",
          spaceId: spaceShared,
          data: { title: "shared", spaceId: spaceShared }
        }
      ])
      assert.deepStrictEqual(titles(yield* sync.read(personal, "habits", "habits")), ["bootstrap", "legacy"])
      assert.deepStrictEqual(titles(yield* sync.read(base, "habits", "habits")), [])
    })))

  it.live(`${name}: a rejected token fails with SyncUnauthorized`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const error = yield* Effect.flip(sync.read((yield* Harness).badCaller(alice, spaceA), "habits", "habits"))
      assert.strictEqual(error._tag, "SyncUnauthorized")
    })))

  it.live(`${name}: an unpaid user fails with SyncPaymentRequired`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const harness = yield* Harness
      const me = yield* harness.caller(alice, spaceA)
      yield* harness.setPaid(alice, false)
      assert.strictEqual((yield* Effect.flip(sync.read(me, "habits", "habits")))._tag, "SyncPaymentRequired")
      const pushError = yield* Effect.flip(
        sync.push(me, "habits", "t", [{ op: "insert", table: "habits", id: uuid(1), data: { title: "x" } }])
      )
      assert.strictEqual(pushError._tag, "SyncPaymentRequired")
      yield* harness.setPaid(alice, true)
      assert.strictEqual((yield* sync.read(me, "habits", "habits")).length, 0)
    })))

  it.live(`${name}: an invalid op is rejected with 400 and nothing of the push is stored`, () =>
    run(Effect.gen(function*() {
      const sync = yield* SyncClient
      const me = yield* (yield* Harness).caller(alice, spaceA)
      const error = yield* Effect.flip(webPush(me, [
        { table: "habits", id: uuid(1), op: "insert", spaceId: spaceA, data: { title: "ok", spaceId: spaceA } },
        { table: "habits", id: uuid(2), op: "upsert", spaceId: spaceA, data: { title: "bad" } }
      ]))
      assert.strictEqual(error._tag, "SyncRejected")
      if (error._tag === "SyncRejected") {
        assert.strictEqual(error.status, 400)
        assert.strictEqual(error.detail, `invalid op "upsert" in change 1`)
      }
      assert.strictEqual((yield* sync.read(me, "habits", "habits")).length, 0)
    })))
}
