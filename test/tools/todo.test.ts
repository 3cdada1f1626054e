/**
 * todo.create / todo.list / todo.complete against the engine-backed SyncClient, the real Crypto and
 * a fixed-key MasterKeys: the create → list → complete → list flow, what goes on the wire
 * (encrypted exactly the registry's fields), defaults and input limits, zero-knowledge users,
 * the existence check, idempotence, and isolation of an undecryptable record.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Ref, Schema, TestClock } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { Crypto } from "../../src/keys/Crypto.ts"
import { UnreadableRecord } from "../../src/tools/kit/decryptRecords.ts"
import { complete } from "../../src/tools/todo/complete.ts"
import { create } from "../../src/tools/todo/create.ts"
import { todoTools } from "../../src/tools/todo/index.ts"
import { list } from "../../src/tools/todo/list.ts"
import { summarizeTask, Task, TaskSummary } from "../../src/tools/todo/Task.ts"
import { seedInsert, storedChanges, toolLayer, zeroKnowledgeToolLayer } from "../support/cryptoTools.ts"
import { fixedMasterKeys, KeyLookups } from "../support/cryptoVault.ts"
import { cryptoVectors, fixtureKey } from "../support/cryptoVectors.ts"
import { runTool } from "../support/runTool.ts"
import { SyncClientEngine } from "../support/SyncClientEngine.ts"
import { aliceCaller } from "../support/users.ts"

const Created = Schema.Struct({ task: Task })
const Listed = Schema.Struct({
  tasks: Schema.Array(TaskSummary),
  unreadable: Schema.Array(UnreadableRecord),
  nextCursor: Schema.NullOr(Schema.String),
  total: Schema.Number
})
const Ok = Schema.Struct({ ok: Schema.Literal(true) })

const titles = (tasks: ReadonlyArray<TaskSummary>) => tasks.map((task) => task.title)

describe("todo tools", () => {
  it("exports create, list, get, update, complete, reopen and delete in that order", () => {
    assert.deepStrictEqual(todoTools.map((tool) => tool.name), [
      "todo.create",
      "todo.list",
      "todo.get",
      "todo.update",
      "todo.complete",
      "todo.reopen",
      "todo.delete"
    ])
    assert.deepStrictEqual(create.encryptedFields, {
      table: "tasks",
      fields: ["title", "description", "subtasks", "metadata"]
    })
  })

  it.effect("create → list → complete → list", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T12:00:00.000Z"))
      const { task: walk } = yield* runTool(
        create,
        { title: "Walk", priority: "high", description: "30 minutes" },
        Created
      )
      yield* TestClock.adjust("1 minute")
      const { task: call } = yield* runTool(create, { title: "Call mum" }, Created)
      assert.deepStrictEqual([walk.order, call.order], [0, 1])
      assert.strictEqual(walk.createdAt, "2026-05-01T12:00:00.000Z")

      const before = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(titles(before.tasks), ["Walk", "Call mum"])
      assert.deepStrictEqual(before.tasks[0], summarizeTask(walk))
      assert.deepStrictEqual(before.unreadable, [])

      yield* TestClock.adjust("1 minute")
      assert.deepStrictEqual(yield* runTool(complete, { id: walk.id }, Ok), { ok: true })
      const open = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(titles(open.tasks), ["Call mum"])
      const all = yield* runTool(list, { includeCompleted: true }, Listed)
      const done = all.tasks.find((task) => task.id === walk.id)
      assert.strictEqual(done?.isCompleted, true)
      assert.strictEqual(done?.completedAt, "2026-05-01T12:02:00.000Z")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("gives 10 concurrent creates in one space distinct, increasing orders", () =>
    Effect.gen(function*() {
      const created = yield* Effect.all(
        Array.from({ length: 10 }, (_, i) => runTool(create, { title: `Task ${i}` }, Created)),
        { concurrency: "unbounded" }
      )
      const orders = created.map(({ task }) => task.order).sort((a, b) => a - b)
      assert.deepStrictEqual(orders, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    }).pipe(Effect.provide(Layer.mergeAll(
      SyncClientEngine.layerTest({ yieldBeforePush: true }),
      fixedMasterKeys.pipe(Layer.provideMerge(Crypto.layer))
    ))))

  it.effect("create applies the defaults and returns the plaintext snapshot", () =>
    Effect.gen(function*() {
      const { task } = yield* runTool(create, { title: "Plain" }, Created)
      assert.deepInclude(task, {
        priority: "medium",
        dueDate: null,
        isCompleted: false,
        completedAt: null,
        subtasks: null
      })
      assert.isFalse("description" in task)
      assert.isFalse("metadata" in task)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("pushes enc:1 values for exactly the encrypted fields, decrypting to the input", () =>
    Effect.gen(function*() {
      const crypto = yield* Crypto
      const key = yield* fixtureKey("k1")
      const { task } = yield* runTool(create, {
        title: "Steuer",
        description: "Belege sammeln",
        dueDate: "2026-06-01T08:00:00+02:00"
      }, Created)
      assert.strictEqual(task.dueDate, "2026-06-01T06:00:00.000Z")
      const [insert] = yield* storedChanges("todo", "tasks")
      const data = insert?.data ?? {}
      for (const field of ["title", "description"]) assert.match(String(data[field]), /^enc:1:/)
      assert.strictEqual(data["subtasks"], null)
      assert.isFalse("metadata" in data)
      assert.deepInclude(data, {
        priority: "medium",
        isCompleted: false,
        order: 0,
        dueDate: "2026-06-01T06:00:00.000Z",
        spaceId: aliceCaller.spaceId
      })
      const plain = yield* crypto.decryptFields(key, data, ["title", "description"])
      assert.deepStrictEqual([plain["title"], plain["description"]], ["Steuer", "Belege sammeln"])
      assert.strictEqual(insert?.id, task.id)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("rejects bad input before doing anything", () =>
    Effect.gen(function*() {
      for (
        const args of [
          {},
          { title: "" },
          { title: "x".repeat(501) },
          { title: "ok", description: "x".repeat(10_001) },
          { title: "ok", priority: "asap" },
          { title: "ok", dueDate: "2026-06-01T08:00:00" },
          { title: "ok", dueDate: "1850-06-01T08:00:00Z" },
          { title: "ok", dueDate: "2026-02-30T08:00:00Z" }
        ]
      ) {
        const error = yield* Effect.flip(runTool(create, args, Created))
        assert.strictEqual(error._tag, "InvalidToolInput")
      }
      for (const args of [{ limit: 0 }, { limit: 501 }]) {
        assert.strictEqual((yield* Effect.flip(runTool(list, args, Listed)))._tag, "InvalidToolInput")
      }
      assert.strictEqual((yield* Effect.flip(runTool(complete, { id: "not-a-uuid" }, Ok)))._tag, "InvalidToolInput")
    }).pipe(Effect.provide(toolLayer())))

  it.effect("list sorts by order and applies the limit", () =>
    Effect.gen(function*() {
      for (const title of ["one", "two", "three"]) yield* runTool(create, { title }, Created)
      const listed = yield* runTool(list, { limit: 2 }, Listed)
      assert.deepStrictEqual(titles(listed.tasks), ["one", "two"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("complete: unknown id is RecordNotFound; completing twice writes once and succeeds", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const missing = yield* Effect.flip(runTool(complete, { id: "6f1f2c1e-2a5d-4b8e-9a51-7f3c2d1e0a99" }, Ok))
      assert.strictEqual(missing._tag, "RecordNotFound")
      const { task } = yield* runTool(create, { title: "Once" }, Created)
      yield* runTool(complete, { id: task.id }, Ok)
      const rows = yield* engine.rowCount
      assert.deepStrictEqual(yield* runTool(complete, { id: task.id }, Ok), { ok: true })
      assert.strictEqual(yield* engine.rowCount, rows)
      const update = (yield* storedChanges("todo", "tasks")).find((change) => change.op === "update")
      assert.deepStrictEqual(Object.keys(update?.fields ?? {}).sort(), ["completedAt", "isCompleted", "updatedAt"])
      assert.strictEqual(update?.fields?.["isCompleted"]?.value, true)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("a zero-knowledge user cannot create or list, but can complete (no key lookup)", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Effect.flip(runTool(create, { title: "x" }, Created)))._tag, "ZeroKnowledgeUserError")
      assert.strictEqual((yield* Effect.flip(runTool(list, {}, Listed)))._tag, "ZeroKnowledgeUserError")
      const id = "0b6f7c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      yield* seedInsert("todo", "tasks", id, { title: cryptoVectors.vectors[0]?.wire, isCompleted: false, order: 0 })
      const lookups = yield* KeyLookups
      yield* Ref.set(lookups, 0)
      assert.deepStrictEqual(yield* runTool(complete, { id }, Ok), { ok: true })
      assert.strictEqual(yield* Ref.get(lookups), 0)
    }).pipe(Effect.provide(zeroKnowledgeToolLayer)))

  it.effect("a task encrypted with another key is reported unreadable; the others are listed", () =>
    Effect.gen(function*() {
      const foreign = "9d1e7c1e-2a5d-4b8e-9a51-7f3c2d1e0a99"
      const k2Wire = cryptoVectors.vectors.find((vector) => vector.name === "v0-k2")?.wire
      yield* seedInsert("todo", "tasks", foreign, { title: k2Wire, isCompleted: false, order: 5 })
      yield* seedInsert("todo", "tasks", "legacy-plain", { title: "Legacy plaintext", isCompleted: false, order: 6 })
      yield* runTool(create, { title: "Mine" }, Created)
      const listed = yield* runTool(list, {}, Listed)
      assert.deepStrictEqual(titles(listed.tasks), ["Legacy plaintext", "Mine"])
      assert.deepStrictEqual(listed.unreadable, [{ id: foreign, reason: "undecryptable" }])
    }).pipe(Effect.provide(toolLayer())))
})
