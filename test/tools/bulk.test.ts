/**
 * The bulk tools against the engine-backed SyncClient: 50 items with 3 invalid ones write 47 in
 * one push and report 3 in place; a dry run writes nothing and answers the same entries;
 * completes, guarded updates, check-ins and deletes report per item in order; a bulk create with
 * an idempotency key is one set of records however often it is retried.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { Caller } from "../../src/domain/Caller.ts"
import { create as habitsCreate } from "../../src/tools/habits/create.ts"
import { log as habitsLog } from "../../src/tools/habits/log.ts"
import { logMany } from "../../src/tools/habits/logMany.ts"
import { BulkResult } from "../../src/tools/kit/bulk/BulkResult.ts"
import { DeleteManyResult } from "../../src/tools/kit/bulk/deleteMany.ts"
import { create as notesCreate } from "../../src/tools/notes/create.ts"
import { deleteMany as notesDeleteMany } from "../../src/tools/notes/deleteMany.ts"
import { completeMany } from "../../src/tools/todo/completeMany.ts"
import { createMany } from "../../src/tools/todo/createMany.ts"
import { deleteMany } from "../../src/tools/todo/deleteMany.ts"
import { list } from "../../src/tools/todo/list.ts"
import { updateMany } from "../../src/tools/todo/updateMany.ts"
import { seedChanges, storedChanges, toolLayer } from "../support/cryptoTools.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller } from "../support/users.ts"

const Listed = Schema.Struct({
  tasks: Schema.Array(
    Schema.Struct({ id: Schema.String, title: Schema.String, isCompleted: Schema.Boolean, priority: Schema.String })
  ),
  total: Schema.Number
}).pipe(Schema.extend(Schema.Record({ key: Schema.String, value: Schema.Unknown })))
const Id = Schema.Struct({ id: Schema.String })

const fiftyWithThreeBad = () =>
  Array.from(
    { length: 50 },
    (_, i) =>
      i === 7 ? { title: "" } : i === 20 ? { title: "ok", priority: "someday" } : i === 33 ? { name: "no title" } : {
        title: `Task ${i}`
      }
  )

describe("bulk tools", () => {
  it.effect("todo.createMany: 50 items with 3 invalid write 47 in one push and report the 3 in place", () =>
    Effect.gen(function*() {
      const result = yield* runTool(createMany, { items: fiftyWithThreeBad() }, BulkResult)
      assert.deepStrictEqual([result.done, result.refused, result.results.length], [47, 3, 50])
      assert.deepStrictEqual(
        result.results.filter((entry) => entry.status === "refused").map((entry) => entry.index),
        [7, 20, 33]
      )
      assert.include(result.results[20]?.error ?? "", "priority")
      assert.include(result.results[33]?.error ?? "", "title")
      assert.strictEqual(result.results[8]?.title, "Task 8")
      const inserts = yield* storedChanges("todo", "tasks")
      assert.strictEqual(inserts.length, 47)
      const listed = yield* runTool(list, { limit: 100 }, Listed)
      assert.strictEqual(listed.total, 47)
      assert.deepStrictEqual(listed.tasks.slice(0, 2).map((task) => task.title), ["Task 0", "Task 1"])
      assert.include(result.message, "47 of 50 created")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("a dry run writes nothing and answers what would happen", () =>
    Effect.gen(function*() {
      const result = yield* runTool(createMany, { items: fiftyWithThreeBad(), dryRun: true }, BulkResult)
      assert.deepStrictEqual([result.dryRun, result.done, result.refused], [true, 47, 3])
      assert.strictEqual(result.results[0]?.status, "wouldBeDone")
      assert.strictEqual((yield* storedChanges("todo", "tasks")).length, 0)
      assert.include(result.message, "nothing written")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("with an idempotency key a retried bulk create is the same records", () =>
    Effect.gen(function*() {
      const args = { items: [{ title: "A" }, { title: "B" }], idempotencyKey: "bulk-1" }
      // A dry run first neither uses up the key nor is replayed for the real call.
      assert.isTrue((yield* runTool(createMany, { ...args, dryRun: true }, BulkResult)).dryRun)
      const first = yield* runTool(createMany, args, BulkResult)
      assert.isFalse(first.dryRun)
      assert.deepStrictEqual(yield* runTool(createMany, args, BulkResult), first)
      assert.strictEqual((yield* storedChanges("todo", "tasks")).length, 2)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("completeMany and updateMany report per id: done, unchanged, refused (unknown, twice, changed since)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const created = yield* runTool(
        createMany,
        { items: [{ title: "A" }, { title: "B" }, { title: "C" }] },
        BulkResult
      )
      const [a, b, c] = created.results.map((entry) => entry.id ?? "")
      yield* TestClock.adjust("1 minute")
      const unknown = "0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"
      const done = yield* runTool(completeMany, { ids: [a, unknown, a, "nope"] }, BulkResult)
      assert.deepStrictEqual(done.results.map((entry) => entry.status), ["done", "refused", "refused", "refused"])
      assert.include(done.results[1]?.error ?? "", "todo.list")
      const again = yield* runTool(completeMany, { ids: [a, b] }, BulkResult)
      assert.deepStrictEqual(again.results.map((entry) => entry.status), ["unchanged", "done"])
      yield* seedChanges("todo", [{
        table: "tasks",
        id: c,
        op: "update",
        fields: { priority: { value: "urgent", at: "2026-05-01T12:05:00.000Z" } }
      }])
      yield* TestClock.setTime(Date.parse("2026-05-01T12:10:00.000Z"))
      const updated = yield* runTool(updateMany, {
        items: [
          { id: b, priority: "high" },
          { id: c, priority: "low", ifUnchangedSince: "2026-05-01T12:00:00.000Z" },
          { id: b, dueDate: null }
        ]
      }, BulkResult)
      assert.deepStrictEqual(updated.results.map((entry) => entry.status), ["done", "refused", "refused"])
      assert.include(updated.results[1]?.error ?? "", `{"priority":"urgent"}`)
      assert.strictEqual(updated.results[0]?.updatedAt, "2026-05-01T12:10:00.000Z")
      const tasks = (yield* runTool(list, { includeCompleted: true }, Listed)).tasks
      assert.deepStrictEqual(tasks.map((task) => [task.title, task.isCompleted, task.priority]), [
        ["A", true, "medium"],
        ["B", true, "high"],
        ["C", false, "urgent"]
      ])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("habits.logMany logs valid check-ins in one push and counts them in each day's progress", () =>
    Effect.gen(function*() {
      const { habit } = yield* runTool(habitsCreate, { title: "Walk", targetPerDay: 2 }, Schema.Struct({ habit: Id }))
      yield* runTool(habitsLog, { habitId: habit.id, date: "2026-05-01" }, Schema.Unknown)
      const result = yield* runTool(logMany, {
        items: [
          { habitId: habit.id, date: "2026-05-01" },
          { habitId: "0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d" },
          { habitId: habit.id, date: "2026-05-02", count: 0 }
        ]
      }, BulkResult)
      assert.deepStrictEqual(result.results.map((entry) => entry.status), ["done", "refused", "refused"])
      assert.strictEqual(result.results[0]?.title, "Walk (2/2 on 2026-05-01, target met)")
      assert.strictEqual((yield* storedChanges("habits", "habitLogs")).length, 2)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("deleteMany soft-deletes in one push, names titles in its question, and a dry run deletes nothing", () =>
    Effect.gen(function*() {
      const ids = []
      for (const title of ["One", "Two", "Three", "Four"]) {
        ids.push((yield* runTool(notesCreate, { title }, Schema.Struct({ note: Id }))).note.id)
      }
      const call = yield* notesDeleteMany.decode({ ids })
      assert.isDefined(call.confirmation)
      const question = yield* Effect.orDie(
        Effect.provideService(call.confirmation?.prompt ?? Effect.succeed(""), Caller, aliceCaller)
      )
      assert.strictEqual(
        question,
        "Delete 4 notes (\"One\", \"Two\", \"Three\" and 1 more)? They move to the trash and disappear from your notes lists; each can be restored from the trash."
      )
      const dry = yield* runTool(notesDeleteMany, { ids, dryRun: true }, DeleteManyResult)
      assert.strictEqual(dry.done, 4)
      assert.isFalse((yield* storedChanges("notes", "notes")).some((change) => change.op === "delete"))
      const deleted = yield* runTool(notesDeleteMany, { ids: ids.slice(0, 2) }, DeleteManyResult)
      assert.deepStrictEqual([deleted.outcome, deleted.done], ["deleted", 2])
      assert.strictEqual((yield* storedChanges("notes", "notes")).filter((change) => change.op === "delete").length, 2)
      const none = yield* Effect.flip(
        Effect.flatMap(
          deleteMany.decode({ ids: ["0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d"] }),
          (decoded) => Effect.provideService(decoded.confirmation?.prompt ?? Effect.void, Caller, aliceCaller)
        )
      )
      assert.include(none.message, "nothing was deleted")
    }).pipe(Effect.provide(toolLayer())))
})
