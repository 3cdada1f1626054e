/**
 * todo.get / todo.update / todo.reopen / todo.delete and todo.list's filters and paging against
 * the engine-backed SyncClient, the real Crypto and a fixed-key MasterKeys: update → get, what an
 * update puts on the wire (exactly the encrypted fields as enc:1), the subtask round trip, the
 * existence and space checks, web-app records (updates before inserts, missing timestamps,
 * another member's key), soft deletes, and cursors.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { UnreadableRecord } from "../../src/tools/kit/decryptRecords.ts"
import { DeleteResult } from "../../src/tools/kit/deleteTool.ts"
import { PageInfo } from "../../src/tools/kit/paging.ts"
import { complete } from "../../src/tools/todo/complete.ts"
import { create } from "../../src/tools/todo/create.ts"
import { deleteTask } from "../../src/tools/todo/delete.ts"
import { get } from "../../src/tools/todo/get.ts"
import { list } from "../../src/tools/todo/list.ts"
import { reopen } from "../../src/tools/todo/reopen.ts"
import { Task, TaskSummary } from "../../src/tools/todo/Task.ts"
import { update } from "../../src/tools/todo/update.ts"
import { seedChanges, seedInsert, storedChanges, toolLayer } from "../support/cryptoTools.ts"
import { cryptoVectors, fixtureKey } from "../support/cryptoVectors.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller as alice, callerFor } from "../support/users.ts"

const One = Schema.Struct({ task: Task })
const Listed = Schema.Struct({
  tasks: Schema.Array(TaskSummary),
  unreadable: Schema.Array(UnreadableRecord),
  ...PageInfo
})
const Deleted = DeleteResult

const k2Wire = cryptoVectors.vectors.find((vector) => vector.name === "v0-k2")?.wire
const otherSpace = callerFor(alice.principal.userId, "space-elsewhere")
const start = Date.parse("2026-05-01T12:00:00.000Z")

describe("todo get / update / reopen / delete", () => {
  it.effect("update → get shows the change; only the given fields go on the wire, encrypted ones as enc:1", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const { task } = yield* runTool(create, { title: "Dentist", description: "call first" }, One)
      yield* TestClock.adjust("1 minute")
      const updated = yield* runTool(update, {
        id: task.id,
        title: "Dentist on Friday",
        priority: "high",
        dueDate: "2026-05-08T09:30:00+02:00"
      }, One)
      assert.deepInclude(updated.task, {
        title: "Dentist on Friday",
        description: "call first",
        priority: "high",
        dueDate: "2026-05-08T07:30:00.000Z",
        updatedAt: "2026-05-01T12:01:00.000Z"
      })
      assert.deepStrictEqual((yield* runTool(get, { id: task.id }, One)).task, updated.task)

      const change = (yield* storedChanges("todo", "tasks")).find((c) => c.op === "update")
      const fields = change?.fields ?? {}
      assert.deepStrictEqual(Object.keys(fields).sort(), ["dueDate", "priority", "title", "updatedAt"])
      assert.match(String(fields["title"]?.value), /^enc:1:/)
      assert.strictEqual(fields["priority"]?.value, "high")
      assert.strictEqual(fields["title"]?.at, "2026-05-01T12:01:00.000Z")
      const plain = yield* (yield* Crypto).decrypt(yield* fixtureKey("k1"), fields["title"]?.value)
      assert.strictEqual(plain, "Dentist on Friday")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("description null removes it; an empty update writes nothing and returns the task", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { task } = yield* runTool(create, { title: "Plain", description: "x" }, One)
      const cleared = yield* runTool(update, { id: task.id, description: null }, One)
      assert.isFalse("description" in cleared.task)
      assert.isFalse("description" in (yield* runTool(get, { id: task.id }, One)).task)
      const rows = yield* engine.rowCount
      assert.deepStrictEqual((yield* runTool(update, { id: task.id }, One)).task, cleared.task)
      assert.strictEqual(yield* engine.rowCount, rows)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("subtasks round-trip through encryption; kept ids keep their completion time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(start)
      const { task } = yield* runTool(create, { title: "Move flat" }, One)
      const first = yield* runTool(update, {
        id: task.id,
        subtasks: [{ title: "Boxes", isCompleted: true }, { title: "Van" }]
      }, One)
      const [boxes, van] = first.task.subtasks ?? []
      assert.deepInclude(boxes, {
        title: "Boxes",
        isCompleted: true,
        completedAt: "2026-05-01T12:00:00.000Z",
        order: 0
      })
      assert.deepInclude(van, { title: "Van", isCompleted: false, completedAt: null, order: 1 })
      assert.notStrictEqual(boxes?.id, van?.id)

      yield* TestClock.adjust("1 hour")
      const second = yield* runTool(update, {
        id: task.id,
        subtasks: [{ title: "Keys" }, { id: boxes?.id, title: "Boxes (12)", isCompleted: true }]
      }, One)
      const fetched = (yield* runTool(get, { id: task.id }, One)).task
      assert.deepStrictEqual(fetched.subtasks, second.task.subtasks)
      assert.deepInclude(fetched.subtasks?.[1], {
        id: boxes?.id,
        title: "Boxes (12)",
        completedAt: "2026-05-01T12:00:00.000Z",
        order: 1
      })
      assert.isFalse(fetched.subtasks?.some((s) => s.id === van?.id))

      const wire = (yield* storedChanges("todo", "tasks")).filter((c) => c.op === "update").at(-1)
      const stored = wire?.fields?.["subtasks"]?.value
      assert.match(String(stored), /^enc:1:/)
      const decrypted = yield* (yield* Crypto).decrypt(yield* fixtureKey("k1"), stored)
      assert.deepStrictEqual(decrypted, fetched.subtasks)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("refuses another space's task and a deleted task, pushing nothing", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { task: elsewhere } = yield* runTool(create, { title: "Elsewhere" }, One, otherSpace)
      const { task: gone } = yield* runTool(create, { title: "Gone" }, One)
      yield* runTool(deleteTask, { id: gone.id }, Deleted)
      const rows = yield* engine.rowCount
      for (const id of [elsewhere.id, gone.id]) {
        for (
          const error of [
            yield* Effect.flip(runTool(update, { id, title: "x" }, One)),
            yield* Effect.flip(runTool(reopen, { id }, One)),
            yield* Effect.flip(runTool(deleteTask, { id }, Deleted)),
            yield* Effect.flip(runTool(get, { id }, One))
          ]
        ) assert.strictEqual(error._tag, "RecordNotFound")
      }
      assert.strictEqual(yield* engine.rowCount, rows)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("reads web-app records: an update before its insert, no timestamps, another member's key", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      const id = "6f1f2c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      // The web app's update arrived before its insert (and the insert carries no timestamps).
      yield* seedChanges("todo", [{
        table: "tasks",
        id,
        op: "update",
        fields: { priority: { value: "urgent", at: "2026-04-01T10:00:00.000Z" } }
      }])
      yield* seedInsert("todo", "tasks", id, {
        title: yield* crypto.encrypt(key, "From the web"),
        priority: "low",
        order: 3
      })
      const fetched = (yield* runTool(get, { id }, One)).task
      assert.deepInclude(fetched, { title: "From the web", priority: "urgent", isCompleted: false, dueDate: null })
      assert.isFalse("createdAt" in fetched)

      const foreign = "9d1e7c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      const bob = "22222222-2222-4222-8222-222222222222"
      yield* seedInsert("todo", "tasks", foreign, { title: k2Wire, order: 4, authorId: bob })
      const listed = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(listed.unreadable, [{ id: foreign, reason: "encrypted-by-another-member", authorId: bob }])
      const refused = yield* Effect.flip(runTool(update, { id: foreign, priority: "low" }, One))
      assert.strictEqual(refused._tag, "RecordUnreadable")
      assert.include(refused.message, `another member of this shared space (user ${bob})`)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("reopen undoes complete and is idempotent", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { task } = yield* runTool(create, { title: "Laundry" }, One)
      yield* runTool(complete, { id: task.id }, Schema.Struct({ ok: Schema.Literal(true) }))
      const reopened = yield* runTool(reopen, { id: task.id }, One)
      assert.deepInclude(reopened.task, { isCompleted: false, completedAt: null })
      assert.deepStrictEqual((yield* runTool(list, {}, Listed)).tasks.map((t) => t.id), [task.id])
      const rows = yield* engine.rowCount
      yield* runTool(reopen, { id: task.id }, One)
      assert.strictEqual(yield* engine.rowCount, rows)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("delete is a soft delete that hides the task from list and get", () =>
    Effect.gen(function*() {
      const { task } = yield* runTool(create, { title: "Old idea" }, One)
      const result = yield* runTool(deleteTask, { id: task.id }, Deleted)
      assert.deepStrictEqual(result.deleted, { table: "tasks", id: task.id, title: "Old idea" })
      assert.match(result.message, /trash\.restore/)
      assert.deepStrictEqual((yield* runTool(list, { includeCompleted: true }, Listed)).tasks, [])
      assert.strictEqual((yield* Effect.flip(runTool(get, { id: task.id }, One)))._tag, "RecordNotFound")
      const ops = (yield* storedChanges("todo", "tasks")).map((c) => c.op)
      assert.deepStrictEqual(ops, ["insert", "delete"])
    }).pipe(Effect.provide(toolLayer())))
})

describe("todo.list filters and paging", () => {
  const seed = Effect.gen(function*() {
    yield* runTool(create, { title: "Tax return", priority: "urgent", dueDate: "2026-05-10T12:00:00Z" }, One)
    yield* runTool(create, { title: "Water plants", description: "the big FERN too", priority: "low" }, One)
    yield* runTool(create, { title: "Book dentist", priority: "high", dueDate: "2026-05-03T08:00:00+02:00" }, One)
    yield* runTool(create, { title: "Call mum", description: "x".repeat(1000) }, One)
  })

  it.effect("due before / after, priority and text query", () =>
    Effect.gen(function*() {
      yield* seed
      const titles = (args: Record<string, unknown>) =>
        Effect.map(runTool(list, args, Listed), (listed) => listed.tasks.map((t) => t.title))
      assert.deepStrictEqual(yield* titles({ dueBefore: "2026-05-05T00:00:00Z" }), ["Book dentist"])
      assert.deepStrictEqual(yield* titles({ dueAfter: "2026-05-03T06:00:00Z" }), ["Tax return", "Book dentist"])
      assert.deepStrictEqual(yield* titles({ dueAfter: "2026-05-03T06:00:01Z" }), ["Tax return"])
      assert.deepStrictEqual(yield* titles({ priority: ["high", "urgent"] }), ["Tax return", "Book dentist"])
      assert.deepStrictEqual(yield* titles({ query: "fern" }), ["Water plants"])
      assert.deepStrictEqual(yield* titles({ query: "DENTIST" }), ["Book dentist"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("long descriptions come as previews with their full length", () =>
    Effect.gen(function*() {
      yield* seed
      const call = (yield* runTool(list, { query: "call" }, Listed)).tasks[0]
      assert.strictEqual(call?.descriptionLength, 1000)
      assert.isAtMost(Array.from(call?.descriptionPreview ?? "").length, 281)
      assert.isTrue(call?.descriptionPreview?.endsWith("…"))
    }).pipe(Effect.provide(toolLayer())))

  it.effect("pages with an opaque cursor bound to the filters", () =>
    Effect.gen(function*() {
      yield* seed
      const first = yield* runTool(list, { limit: 3 }, Listed)
      assert.deepStrictEqual([first.tasks.length, first.total], [3, 4])
      assert.isNotNull(first.nextCursor)
      const second = yield* runTool(list, { limit: 3, cursor: first.nextCursor }, Listed)
      assert.deepStrictEqual(second.tasks.map((t) => t.title), ["Call mum"])
      assert.isNull(second.nextCursor)
      const wrongFilters = yield* Effect.flip(runTool(list, { limit: 3, cursor: first.nextCursor, query: "a" }, Listed))
      assert.strictEqual(wrongFilters._tag, "InvalidCursor")
      assert.strictEqual((yield* Effect.flip(runTool(list, { cursor: "bogus" }, Listed)))._tag, "InvalidCursor")
    }).pipe(Effect.provide(toolLayer())))
})
