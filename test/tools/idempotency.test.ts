/**
 * Idempotency keys on the create tools, against the engine-backed SyncClient: a retry with the
 * same key answers the first result and writes nothing; the same key with other arguments is
 * refused; a retry the store cannot answer (a crash between push and answer) writes the same
 * record again, not a second; two users' keys never meet; without a key nothing changes.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { IdempotencyStore } from "../../src/idempotency/IdempotencyStore.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { create as habitsCreate } from "../../src/tools/habits/create.ts"
import { log as habitsLog } from "../../src/tools/habits/log.ts"
import { add as journalAdd } from "../../src/tools/journal/add.ts"
import { derivedRecordId } from "../../src/tools/kit/idempotent/derivedRecordId.ts"
import { create as notesCreate } from "../../src/tools/notes/create.ts"
import { create as todoCreate } from "../../src/tools/todo/create.ts"
import { Task } from "../../src/tools/todo/Task.ts"
import { storedChanges } from "../support/cryptoTools.ts"
import { fixedMasterKeys } from "../support/cryptoVault.ts"
import { runTool } from "../support/runTool.ts"
import { SyncClientEngine } from "../support/SyncClientEngine.ts"
import { alice, aliceCaller, bob, callerFor, spaceA, spaceB } from "../support/users.ts"

const Created = Schema.Struct({ task: Task })
const Anything = Schema.Record({ key: Schema.String, value: Schema.Unknown })
const layer = () => Layer.mergeAll(SyncClientEngine.layerTest(), fixedMasterKeys.pipe(Layer.provideMerge(Crypto.layer)))

const failureOf = <A, E extends { readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flip(effect).pipe(Effect.map((error) => error.message))

describe("idempotency keys", () => {
  it.effect("a retry with the same key returns the first answer and writes nothing more", () =>
    Effect.gen(function*() {
      const first = yield* runTool(todoCreate, { title: "Pay rent", idempotencyKey: "k-1" }, Created)
      const again = yield* runTool(todoCreate, { title: "Pay rent", idempotencyKey: "k-1" }, Created)
      assert.deepStrictEqual(again, first)
      assert.strictEqual(first.task.id, derivedRecordId(alice, "k-1", 0))
      assert.strictEqual((yield* storedChanges("todo", "tasks")).length, 1)
    }).pipe(Effect.provide(layer())))

  it.effect("the same key with other arguments is refused, naming what to do, and writes nothing", () =>
    Effect.gen(function*() {
      yield* runTool(todoCreate, { title: "Pay rent", idempotencyKey: "k-2" }, Created)
      const other = yield* failureOf(runTool(todoCreate, { title: "Pay gas", idempotencyKey: "k-2" }, Created))
      assert.include(other, "already used with different arguments")
      assert.include(other, "use a new key")
      const otherTool = yield* failureOf(runTool(notesCreate, { title: "Pay rent", idempotencyKey: "k-2" }, Anything))
      assert.include(otherTool, "already used by todo.create")
      assert.strictEqual((yield* storedChanges("todo", "tasks")).length, 1)
      assert.strictEqual((yield* storedChanges("notes", "notes")).length, 0)
    }).pipe(Effect.provide(layer())))

  it.effect("a retry the store cannot answer writes the same record again, not a second one", () =>
    Effect.gen(function*() {
      const args = { title: "Pay rent", idempotencyKey: "k-3" }
      const first = yield* runTool(todoCreate, args, Created)
      // A fresh store: as after a crash between the push and the remembered answer.
      const again = yield* runTool(todoCreate, args, Created).pipe(Effect.provide(IdempotencyStore.layerMemory))
      assert.strictEqual(again.task.id, first.task.id)
      const ids = new Set((yield* storedChanges("todo", "tasks")).map((change) => change.id))
      assert.deepStrictEqual([...ids], [first.task.id])
    }).pipe(Effect.provide(layer())))

  it.effect("keys are per user: the same key of two users makes two records", () =>
    Effect.gen(function*() {
      const args = { title: "Walk", idempotencyKey: "shared-key" }
      const mine = yield* runTool(habitsCreate, args, Anything)
      const theirs = yield* runTool(habitsCreate, args, Anything, callerFor(bob, spaceB))
      assert.notDeepEqual(mine, theirs)
      assert.notStrictEqual(derivedRecordId(alice, "k", 0), derivedRecordId(bob, "k", 0))
      assert.match(
        derivedRecordId(alice, "k", 0),
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
      )
    }).pipe(Effect.provide(layer())))

  it.effect("every create tool takes a key: habits.create, habits.log, notes.create, journal.add", () =>
    Effect.gen(function*() {
      const habit = yield* runTool(
        habitsCreate,
        { title: "Read", idempotencyKey: "h" },
        Schema.Struct({ habit: Schema.Struct({ id: Schema.String }) })
      )
      const logArgs = { habitId: habit.habit.id, date: "2026-05-01", idempotencyKey: "l" }
      const firstLog = yield* runTool(habitsLog, logArgs, Anything)
      assert.deepStrictEqual(yield* runTool(habitsLog, logArgs, Anything), firstLog)
      assert.strictEqual((yield* storedChanges("habits", "habitLogs")).length, 1)
      const note = { title: "Idea", content: "x", idempotencyKey: "n" }
      assert.deepStrictEqual(yield* runTool(notesCreate, note, Anything), yield* runTool(notesCreate, note, Anything))
      assert.strictEqual((yield* storedChanges("notes", "notes")).length, 1)
      const entry = { content: "Today", entryDate: "2026-05-01", idempotencyKey: "j" }
      assert.deepStrictEqual(yield* runTool(journalAdd, entry, Anything), yield* runTool(journalAdd, entry, Anything))
      assert.strictEqual((yield* storedChanges("journal", "journalEntries")).length, 1)
    }).pipe(Effect.provide(layer())))

  it.effect("without a key every call creates, as before", () =>
    Effect.gen(function*() {
      const a = yield* runTool(todoCreate, { title: "Same" }, Created)
      const b = yield* runTool(todoCreate, { title: "Same" }, Created)
      assert.notStrictEqual(a.task.id, b.task.id)
      assert.strictEqual((yield* storedChanges("todo", "tasks", callerFor(alice, spaceA))).length, 2)
      assert.isDefined(aliceCaller)
    }).pipe(Effect.provide(layer())))
})
