/**
 * SyncEngine: mana-sync's push/pull semantics (docs/upstreams.md §3.3–3.5) without HTTP.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { makeSyncEngine } from "../../../src/dev/sync/SyncEngine.ts"
import { PullResponse } from "../../../src/sync/SyncWire.ts"
import { alice, bob, memberships, spaceA, spaceB, spaceShared } from "../../support/users.ts"

const engine = makeSyncEngine({ memberships })
type Engine = Effect.Effect.Success<typeof engine>

const push = (
  e: Engine,
  changes: ReadonlyArray<unknown>,
  options: { userId?: string; clientId?: string; extra?: object } = {}
) =>
  e.push({
    userId: options.userId ?? alice,
    appId: "habits",
    clientIdHeader: options.clientId ?? "writer",
    body: { clientId: "body-id", changes, ...options.extra }
  })

const pull = (e: Engine, options: { userId?: string; clientId?: string | undefined; since?: string } = {}) =>
  e.pull({
    userId: options.userId ?? alice,
    appId: "habits",
    clientIdHeader: "clientId" in options ? options.clientId : "reader",
    collection: "habits",
    since: options.since ?? "1970-01-01T00:00:00Z"
  }).pipe(Effect.flatMap(Schema.decodeUnknown(PullResponse)))

const badRequest = <A, R>(effect: Effect.Effect<A, { readonly _tag: string; readonly message: string }, R>) =>
  Effect.map(Effect.flip(effect), (error) => {
    assert.strictEqual(error._tag, "EngineBadRequest")
    return error.message
  })

describe("SyncEngine push", () => {
  it.effect("validates every change before storing any", () =>
    Effect.gen(function*() {
      const e = yield* engine
      const ok = { table: "habits", id: "a", op: "insert", data: { title: "x" } }
      assert.strictEqual(
        yield* badRequest(push(e, [ok], { extra: { schemaVersion: 2 } })),
        "unsupported schemaVersion 2 (max 1)"
      )
      assert.strictEqual(yield* badRequest(push(e, [ok, { ...ok, op: "upsert" }])), `invalid op "upsert" in change 1`)
      assert.strictEqual(yield* badRequest(push(e, [ok, { ...ok, table: "" }])), "missing table or id in change 1")
      assert.strictEqual(
        yield* badRequest(push(e, [{ op: "delete", table: "habits" }])),
        "missing table or id in change 0"
      )
      assert.include(
        yield* badRequest(e.push({ userId: alice, appId: "habits", clientIdHeader: undefined, body: [] })),
        "invalid JSON"
      )
      assert.strictEqual(yield* e.rowCount, 0)
      yield* push(e, [ok], { extra: { schemaVersion: 1 } })
      assert.strictEqual(yield* e.rowCount, 1)
    }))

  it.effect("stores updates as data + field_meta and emits each op in its own shape", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* push(e, [
        {
          table: "habits",
          id: "a",
          op: "insert",
          data: { title: "x", spaceId: spaceA },
          actor: { kind: "user" },
          origin: "user"
        },
        {
          table: "habits",
          id: "a",
          op: "update",
          data: { ignored: true },
          fields: {
            title: { value: "y", at: "2026-01-01T00:00:00Z" },
            note: { value: null },
            color: { value: "#fff", updatedAt: "2026-01-01T00:00:00Z" }
          }
        },
        {
          table: "habits",
          id: "a",
          op: "delete",
          data: { secret: 1 },
          fields: { x: { value: 1 } },
          deletedAt: "2026-01-02T00:00:00Z"
        },
        { table: "habits", id: "b", op: "delete" }
      ])
      const { serverChanges } = yield* pull(e)
      assert.deepStrictEqual(serverChanges.map(({ eventId: _, ...c }) => c), [
        {
          schemaVersion: 1,
          table: "habits",
          id: "a",
          op: "insert",
          spaceId: spaceA,
          origin: "user",
          actor: { kind: "user" },
          data: { title: "x", spaceId: spaceA }
        },
        {
          schemaVersion: 1,
          table: "habits",
          id: "a",
          op: "update",
          fields: {
            title: { value: "y", at: "2026-01-01T00:00:00Z" },
            note: { value: null, at: "" },
            color: { value: "#fff", at: "" }
          }
        },
        { schemaVersion: 1, table: "habits", id: "a", op: "delete", deletedAt: "2026-01-02T00:00:00Z" },
        { schemaVersion: 1, table: "habits", id: "b", op: "delete" }
      ])
      assert.strictEqual(new Set(serverChanges.map((c) => c.eventId)).size, 4)
    }))

  it.effect("resolves the space: top-level, then data.spaceId, then fields.spaceId.value", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* push(e, [
        { table: "habits", id: "1", op: "insert", spaceId: spaceA, data: { spaceId: spaceB } },
        { table: "habits", id: "2", op: "insert", spaceId: "", data: { spaceId: spaceB } },
        { table: "habits", id: "3", op: "update", fields: { spaceId: { value: spaceShared, at: "" } } },
        { table: "habits", id: "4", op: "insert", data: { spaceId: 7 } }
      ])
      const { serverChanges } = yield* pull(e)
      assert.deepStrictEqual(serverChanges.map((c) => c.spaceId), [spaceA, spaceB, spaceShared, undefined])
    }))

  it.effect("answers with the server delta minus the writer's own rows", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* push(e, [{ table: "habits", id: "web", op: "insert" }], { clientId: "web-app" })
      const response = yield* push(e, [{ table: "notes", id: "mine", op: "insert" }])
      assert.deepStrictEqual(response.serverChanges.map((c) => c["id"]), ["web"])
      assert.deepStrictEqual(response.conflicts, [])
    }))
})

describe("SyncEngine pull", () => {
  it.effect("requires collection and since", () =>
    Effect.gen(function*() {
      const e = yield* engine
      const message = yield* badRequest(
        e.pull({ userId: alice, appId: "habits", clientIdHeader: undefined, collection: "habits", since: undefined })
      )
      assert.strictEqual(message, "missing collection or since parameter")
    }))

  it.effect("shows own rows and rows of member spaces, never other users' other spaces", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* push(e, [{ table: "habits", id: "bob-private", op: "insert", spaceId: spaceB }], { userId: bob })
      yield* push(e, [{ table: "habits", id: "bob-shared", op: "insert", spaceId: spaceShared }], { userId: bob })
      yield* push(e, [{ table: "habits", id: "alice-nospace", op: "insert" }])
      assert.deepStrictEqual((yield* pull(e)).serverChanges.map((c) => c.id), ["bob-shared", "alice-nospace"])
    }))

  it.effect("suppresses the caller's own client id; an absent header compares against \"\"", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* push(e, [{ table: "habits", id: "1", op: "insert" }], { clientId: "reader" })
      yield* e.push({
        userId: alice,
        appId: "habits",
        clientIdHeader: undefined,
        body: { changes: [{ table: "habits", id: "2", op: "insert" }] }
      })
      assert.deepStrictEqual((yield* pull(e)).serverChanges.map((c) => c.id), ["2"])
      assert.deepStrictEqual((yield* pull(e, { clientId: undefined })).serverChanges.map((c) => c.id), ["1"])
    }))

  it.effect("pages by 1000 with hasMore only when more matched, cursor = last row", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* TestClock.adjust("1000 days")
      const changes = Array.from({ length: 2000 }, (_, i) => ({ table: "habits", id: `r${i}`, op: "insert" }))
      yield* push(e, changes)
      const first = yield* pull(e)
      assert.strictEqual(first.serverChanges.length, 1000)
      assert.isTrue(first.hasMore)
      const second = yield* pull(e, { since: first.syncedUntil })
      assert.strictEqual(second.serverChanges[0]?.id, "r1000")
      assert.strictEqual(second.serverChanges.length, 1000)
      assert.isUndefined(second.hasMore)
      const third = yield* pull(e, { since: second.syncedUntil })
      assert.strictEqual(third.serverChanges.length, 0)
      assert.isUndefined(third.hasMore)
    }))

  it.effect("treats an unparseable since as the epoch", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* push(e, [{ table: "habits", id: "1", op: "insert" }])
      assert.strictEqual((yield* pull(e, { since: "yesterday" })).serverChanges.length, 1)
    }))

  it.effect("fails push and pull with EngineSyncInactive for an unpaid user", () =>
    Effect.gen(function*() {
      const e = yield* engine
      yield* e.setPaid(alice, false)
      assert.strictEqual((yield* Effect.flip(pull(e)))._tag, "EngineSyncInactive")
      assert.strictEqual((yield* Effect.flip(push(e, [{ op: "bogus" }])))._tag, "EngineSyncInactive")
      assert.strictEqual((yield* pull(e, { userId: bob })).serverChanges.length, 0)
      yield* e.setPaid(alice, true)
      assert.strictEqual((yield* pull(e)).serverChanges.length, 0)
    }))
})
