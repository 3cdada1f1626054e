/**
 * trash.list / trash.restore against the engine-backed SyncClient, the real Crypto and a
 * fixed-key MasterKeys: deletes of every module land in the trash with decrypted titles, most
 * recent first; restore brings a record back whole (an update with deletedAt: null); records
 * that are live, in another space or unknown are refused; a zero-knowledge user still sees the
 * trash, with encrypted titles as null.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { create as createHabit } from "../../src/tools/habits/create.ts"
import { deleteHabit } from "../../src/tools/habits/delete.ts"
import { Habit } from "../../src/tools/habits/Habit.ts"
import { list as listHabits } from "../../src/tools/habits/list.ts"
import { add } from "../../src/tools/journal/add.ts"
import { deleteEntry } from "../../src/tools/journal/delete.ts"
import { Entry } from "../../src/tools/journal/Entry.ts"
import { create as createNote } from "../../src/tools/notes/create.ts"
import { deleteNote } from "../../src/tools/notes/delete.ts"
import { Note } from "../../src/tools/notes/Note.ts"
import { create as createTask } from "../../src/tools/todo/create.ts"
import { deleteTask } from "../../src/tools/todo/delete.ts"
import { get as getTask } from "../../src/tools/todo/get.ts"
import { Task } from "../../src/tools/todo/Task.ts"
import { list } from "../../src/tools/trash/list.ts"
import { restore } from "../../src/tools/trash/restore.ts"
import { TrashItem } from "../../src/tools/trash/trashKinds.ts"
import { seedInsert, storedChanges, toolLayer, zeroKnowledgeToolLayer } from "../support/cryptoTools.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller as alice, callerFor } from "../support/users.ts"

const Listed = Schema.Struct({
  items: Schema.Array(TrashItem),
  nextCursor: Schema.NullOr(Schema.String),
  total: Schema.Number
})
const Restored = Schema.Struct({ restored: TrashItem.pipe(Schema.omit("deletedAt")) })
const Deleted = Schema.Struct({ outcome: Schema.Literal("deleted"), deleted: Schema.Unknown, message: Schema.String })

describe("trash", () => {
  it.effect("every module's delete lands in the trash, newest first; restore brings a task back whole", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { habit } = yield* runTool(createHabit, { title: "Run" }, Schema.Struct({ habit: Habit }))
      const { task } = yield* runTool(
        createTask,
        { title: "Dentist", description: "bring card" },
        Schema.Struct({ task: Task })
      )
      const { note } = yield* runTool(createNote, { title: "Recipe" }, Schema.Struct({ note: Note }))
      const { entry } = yield* runTool(
        add,
        { content: "A quiet day", entryDate: "2026-04-30" },
        Schema.Struct({ entry: Entry })
      )
      for (
        const [tool, id] of [[deleteHabit, habit.id], [deleteTask, task.id], [deleteNote, note.id], [
          deleteEntry,
          entry.id
        ]] as const
      ) {
        yield* TestClock.adjust("1 minute")
        yield* runTool(tool, { id }, Deleted)
      }
      const trash = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(trash.items.map((i) => [i.module, i.table, i.title]), [
        ["journal", "journalEntries", "2026-04-30: A quiet day"],
        ["notes", "notes", "Recipe"],
        ["todo", "tasks", "Dentist"],
        ["habits", "habits", "Run"]
      ])
      assert.strictEqual(trash.items[3]?.deletedAt, "2026-05-01T12:01:00.000Z")
      assert.deepStrictEqual((yield* runTool(list, { table: "tasks" }, Listed)).items.map((i) => i.id), [task.id])
      const paged = yield* runTool(list, { limit: 3 }, Listed)
      assert.strictEqual((yield* runTool(list, { limit: 3, cursor: paged.nextCursor }, Listed)).items[0]?.title, "Run")

      const restored = yield* runTool(restore, { table: "tasks", id: task.id }, Restored)
      assert.deepStrictEqual(restored.restored, { module: "todo", table: "tasks", id: task.id, title: "Dentist" })
      assert.deepInclude((yield* runTool(getTask, { id: task.id }, Schema.Struct({ task: Task }))).task, {
        title: "Dentist",
        description: "bring card"
      })
      assert.notInclude((yield* runTool(list, {}, Listed)).items.map((i) => i.id), task.id)
      const change = (yield* storedChanges("todo", "tasks")).at(-1)
      assert.strictEqual(change?.op, "update")
      assert.deepStrictEqual(Object.keys(change?.fields ?? {}).sort(), ["deletedAt", "updatedAt"])
      assert.strictEqual(change?.fields?.["deletedAt"]?.value, null)

      yield* runTool(restore, { table: "habits", id: habit.id }, Restored)
      const habits = yield* runTool(listHabits, {}, Schema.Struct({ habits: Schema.Array(Habit) }))
      assert.deepStrictEqual(habits.habits.map((h) => h.title), ["Run"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("restore refuses live records, other spaces' trash and the wrong table, pushing nothing", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const elsewhere = callerFor(alice.principal.userId, "space-elsewhere")
      const { task: live } = yield* runTool(createTask, { title: "Live" }, Schema.Struct({ task: Task }))
      const { task: theirs } = yield* runTool(createTask, { title: "Theirs" }, Schema.Struct({ task: Task }), elsewhere)
      yield* runTool(deleteTask, { id: theirs.id }, Deleted, elsewhere)
      const { note } = yield* runTool(createNote, { title: "N" }, Schema.Struct({ note: Note }))
      yield* runTool(deleteNote, { id: note.id }, Deleted)
      const rows = yield* engine.rowCount
      for (
        const args of [
          { table: "tasks", id: live.id },
          { table: "tasks", id: theirs.id },
          { table: "tasks", id: note.id }
        ]
      ) {
        assert.strictEqual((yield* Effect.flip(runTool(restore, args, Restored)))._tag, "RecordNotFound")
      }
      assert.strictEqual(
        (yield* Effect.flip(runTool(restore, { table: "users", id: note.id }, Restored)))._tag,
        "InvalidToolInput"
      )
      assert.strictEqual(yield* engine.rowCount, rows)
      assert.deepStrictEqual((yield* runTool(list, {}, Listed)).items.map((i) => i.id), [note.id])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("a zero-knowledge user sees the trash; encrypted titles are null", () =>
    Effect.gen(function*() {
      const id = "0b6f7c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      yield* seedInsert("todo", "tasks", id, { title: "enc:1:AAAA", order: 0 })
      yield* runTool(deleteTask, { id }, Deleted)
      const trash = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(trash.items.map((i) => [i.id, i.title]), [[id, null]])
    }).pipe(Effect.provide(zeroKnowledgeToolLayer)))
})
