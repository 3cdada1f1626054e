/**
 * No lost updates, against the engine-backed SyncClient: `updatedAt` follows a web-app change of
 * one field (a field stamp without a new `updatedAt`); an update guarded with `ifUnchangedSince`
 * is refused after such a change, showing the current values and how to merge, and writes
 * nothing; the `updatedAt` an update returns is a guard that passes; `notes.update` appends.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { archive as habitsArchive } from "../../src/tools/habits/archive.ts"
import { create as habitsCreate } from "../../src/tools/habits/create.ts"
import { update as habitsUpdate } from "../../src/tools/habits/update.ts"
import { create as notesCreate } from "../../src/tools/notes/create.ts"
import { Note } from "../../src/tools/notes/Note.ts"
import { update as notesUpdate } from "../../src/tools/notes/update.ts"
import { complete as todoComplete } from "../../src/tools/todo/complete.ts"
import { create as todoCreate } from "../../src/tools/todo/create.ts"
import { get as todoGet } from "../../src/tools/todo/get.ts"
import { reopen as todoReopen } from "../../src/tools/todo/reopen.ts"
import { Task } from "../../src/tools/todo/Task.ts"
import { update as todoUpdate } from "../../src/tools/todo/update.ts"
import { seedChanges, storedChanges, toolLayer } from "../support/cryptoTools.ts"
import { runTool } from "../support/runTool.ts"

const OneTask = Schema.Struct({ task: Task })
const OneNote = Schema.Struct({ note: Note })
const OneHabit = Schema.Struct({
  habit: Schema.Struct({ id: Schema.String, title: Schema.String, updatedAt: Schema.optional(Schema.String) })
})

const failureOf = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flip(effect).pipe(Effect.map((error) => error.message))

/** A web-app edit of one field: a field stamp, no new `updatedAt`. */
const webAppEdit = (app: string, table: string, id: string, field: string, value: unknown, at: string) =>
  seedChanges(app, [{ table, id, op: "update", fields: { [field]: { value, at } } }])

describe("guarded updates", () => {
  it.effect("updatedAt follows a web-app change of one field; a guarded update is then refused with the current values", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { task } = yield* runTool(todoCreate, { title: "Pay rent", priority: "low" }, OneTask)
      assert.strictEqual(task.updatedAt, "2026-05-01T12:00:00.000Z")
      yield* webAppEdit("todo", "tasks", task.id, "priority", "urgent", "2026-05-01T12:05:00.123456Z")
      const { task: seen } = yield* runTool(todoGet, { id: task.id }, OneTask)
      assert.strictEqual(seen.updatedAt, "2026-05-01T12:05:00.123456Z")
      yield* TestClock.setTime(Date.parse("2026-05-01T12:10:00.000Z"))
      const before = (yield* storedChanges("todo", "tasks")).length
      const refused = yield* failureOf(
        runTool(todoUpdate, { id: task.id, priority: "high", ifUnchangedSince: task.updatedAt }, OneTask)
      )
      assert.include(refused, "was changed at 2026-05-01T12:05:00.123456Z")
      assert.include(refused, "changed since: priority")
      assert.include(refused, `{"priority":"urgent"}`)
      assert.include(refused, `ifUnchangedSince "2026-05-01T12:05:00.123456Z"`)
      assert.strictEqual((yield* storedChanges("todo", "tasks")).length, before)
      // Merged and retried with the current updatedAt: written.
      const { task: merged } = yield* runTool(
        todoUpdate,
        { id: task.id, priority: "high", ifUnchangedSince: seen.updatedAt },
        OneTask
      )
      assert.strictEqual(merged.priority, "high")
      assert.strictEqual(merged.updatedAt, "2026-05-01T12:10:00.000Z")
      // The returned updatedAt is itself a guard that passes.
      yield* TestClock.adjust("1 minute")
      const { task: again } = yield* runTool(
        todoUpdate,
        { id: task.id, title: "Pay rent today", ifUnchangedSince: merged.updatedAt },
        OneTask
      )
      assert.strictEqual(again.title, "Pay rent today")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("without the guard an update still overwrites field by field", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { task } = yield* runTool(todoCreate, { title: "Walk" }, OneTask)
      yield* webAppEdit("todo", "tasks", task.id, "priority", "urgent", "2026-05-01T12:05:00.000Z")
      yield* TestClock.setTime(Date.parse("2026-05-01T12:10:00.000Z"))
      const { task: updated } = yield* runTool(todoUpdate, { id: task.id, priority: "low" }, OneTask)
      assert.strictEqual(updated.priority, "low")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("notes.update appends on a new line, refuses content with appendContent, and guards too", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { note } = yield* runTool(notesCreate, { title: "Groceries", content: "- milk" }, OneNote)
      yield* TestClock.adjust("1 minute")
      const { note: appended } = yield* runTool(notesUpdate, { id: note.id, appendContent: "- eggs" }, OneNote)
      assert.strictEqual(appended.content, "- milk\n- eggs")
      assert.strictEqual(appended.updatedAt, "2026-05-01T12:01:00.000Z")
      const both = yield* failureOf(runTool(notesUpdate, { id: note.id, content: "x", appendContent: "y" }, OneNote))
      assert.include(both, "either content")
      yield* webAppEdit("notes", "notes", note.id, "isPinned", true, "2026-05-01T12:02:00.000Z")
      const refused = yield* failureOf(
        runTool(notesUpdate, { id: note.id, content: "- bread", ifUnchangedSince: appended.updatedAt }, OneNote)
      )
      assert.include(refused, `{"content":"- milk\\n- eggs"}`)
      assert.include(refused, "appendContent")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("habits.update: a guarded update after a web-app change is refused", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { habit } = yield* runTool(habitsCreate, { title: "Walk" }, OneHabit)
      yield* webAppEdit("habits", "habits", habit.id, "title", "Walk 5k", "2026-05-01T12:03:00.000Z")
      const refused = yield* failureOf(
        runTool(habitsUpdate, { id: habit.id, title: "Run", ifUnchangedSince: habit.updatedAt }, OneHabit)
      )
      assert.include(refused, `{"title":"Walk 5k"}`)
      const bad = yield* failureOf(runTool(habitsUpdate, { id: habit.id, ifUnchangedSince: "yesterday" }, OneHabit))
      assert.include(bad, "RFC 3339")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("todo.complete, todo.reopen and habits.archive take the guard too", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { task } = yield* runTool(todoCreate, { title: "Walk" }, OneTask)
      yield* webAppEdit("todo", "tasks", task.id, "isCompleted", true, "2026-05-01T12:01:00.000Z")
      yield* TestClock.setTime(Date.parse("2026-05-01T12:02:00.000Z"))
      const since = { ifUnchangedSince: task.updatedAt }
      const completing = yield* failureOf(runTool(todoComplete, { id: task.id, ...since }, Schema.Unknown))
      assert.include(completing, `{"isCompleted":true}`)
      const reopening = yield* failureOf(runTool(todoReopen, { id: task.id, ...since }, OneTask))
      assert.include(reopening, "todo.reopen again")
      const { habit } = yield* runTool(habitsCreate, { title: "Read" }, OneHabit)
      yield* webAppEdit("habits", "habits", habit.id, "isArchived", true, "2026-05-01T12:03:00.000Z")
      const archiving = yield* failureOf(
        runTool(habitsArchive, { id: habit.id, archived: true, ifUnchangedSince: habit.updatedAt }, OneHabit)
      )
      assert.include(archiving, `{"isArchived":true}`)
    }).pipe(Effect.provide(toolLayer())))
})
