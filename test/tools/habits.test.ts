/**
 * The habits tools, run through their erased `Tool` (decode → handler → output encode) against
 * the engine-backed SyncClient, fresh per test.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { Habit } from "../../src/tools/habits/Habit.ts"
import { habitsTools } from "../../src/tools/habits/index.ts"
import { runTool } from "../support/runTool.ts"
import { SyncClientEngine } from "../support/SyncClientEngine.ts"
import { alice, aliceCaller, bob, callerFor, memberships, spaceA, spaceShared } from "../support/users.ts"

const [create, list, update, archive] = habitsTools

const createHabit = (args: unknown, caller: CallerShape = aliceCaller) =>
  runTool(create, args, Schema.Struct({ habit: Habit }), caller)

const listHabits = (args: unknown = {}, caller: CallerShape = aliceCaller) =>
  runTool(list, args, Schema.Struct({ habits: Schema.Array(Habit) }), caller)

const fresh = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, SyncClientEngine.layerTest({ memberships }))

describe("habits tools", () => {
  it("are named, hinted and scoped as docs/upstreams.md §4 says", () => {
    assert.deepStrictEqual(habitsTools.map((t) => [t.name, t.policyHint, t.scope, t.module]), [
      ["habits.create", "write", "user-space", "habits"],
      ["habits.list", "read", "user-space", "habits"],
      ["habits.update", "write", "user-space", "habits"],
      ["habits.archive", "write", "user-space", "habits"],
      ["habits.log", "write", "user-space", "habits"],
      ["habits.logMany", "write", "user-space", "habits"],
      ["habits.logs", "read", "user-space", "habits"],
      ["habits.delete", "destructive", "user-space", "habits"]
    ])
    assert.include(JSON.stringify(create.inputJsonSchema), "#RRGGBB")
  })

  it.effect("create applies defaults, and list shows the habits in order", () =>
    fresh(Effect.gen(function*() {
      const { habit } = yield* createHabit({ title: "Walk" })
      assert.strictEqual(habit.icon, "star")
      assert.strictEqual(habit.color, "#6366f1")
      assert.strictEqual(habit.targetPerDay, null)
      assert.strictEqual(habit.order, 0)
      assert.isFalse(habit.isArchived)
      const second = yield* createHabit({ title: "Read", icon: "book", targetPerDay: 2 })
      assert.strictEqual(second.habit.order, 1)
      const { habits } = yield* listHabits()
      assert.deepStrictEqual(habits.map((h) => [h.title, h.order, h.targetPerDay]), [["Walk", 0, null], ["Read", 1, 2]])
      assert.strictEqual(habits[0]?.id, habit.id)
    })))

  it.effect("update changes only the given fields", () =>
    fresh(Effect.gen(function*() {
      const { habit } = yield* createHabit({ title: "Walk", color: "#112233" })
      const returned = yield* runTool(
        update,
        { id: habit.id, title: "Walk 10k steps", defaultDuration: 1800 },
        Schema.Struct({ habit: Habit })
      )
      const [updated] = (yield* listHabits()).habits
      assert.deepStrictEqual(returned.habit, updated)
      assert.strictEqual(updated?.title, "Walk 10k steps")
      assert.strictEqual(updated?.defaultDuration, 1800)
      assert.strictEqual(updated?.color, "#112233")
    })))

  it.effect("archive hides a habit, includeArchived shows it, unarchive restores it", () =>
    fresh(Effect.gen(function*() {
      const { habit } = yield* createHabit({ title: "Walk" })
      const archived = yield* runTool(archive, { id: habit.id }, Schema.Struct({ habit: Habit }))
      assert.isTrue(archived.habit.isArchived)
      assert.strictEqual((yield* listHabits()).habits.length, 0)
      const all = (yield* listHabits({ includeArchived: true })).habits
      assert.deepStrictEqual(all.map((h) => [h.id, h.isArchived]), [[habit.id, true]])
      yield* runTool(archive, { id: habit.id, archived: false }, Schema.Unknown)
      assert.deepStrictEqual((yield* listHabits()).habits.map((h) => h.isArchived), [false])
    })))

  it.effect("lists only the active space's habits", () =>
    fresh(Effect.gen(function*() {
      yield* createHabit({ title: "Mine" })
      const shared = yield* createHabit({ title: "Family walk" }, callerFor(alice, spaceShared))
      assert.strictEqual(shared.habit.order, 0)
      assert.deepStrictEqual((yield* listHabits()).habits.map((h) => h.title), ["Mine"])
      assert.deepStrictEqual((yield* listHabits({}, callerFor(alice, spaceShared))).habits.map((h) => h.title), [
        "Family walk"
      ])
    })))

  it.effect("another member's change cannot move a habit out of its owner's space (the trial's fold hazard)", () =>
    fresh(Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { habit } = yield* createHabit({ title: "Private walk" })
      // Bob shares a space with Alice and knows the id: he writes to it under the shared space.
      yield* engine.push({
        userId: bob,
        appId: "habits",
        clientIdHeader: "bobs-device",
        body: {
          changes: [
            {
              table: "habits",
              id: habit.id,
              op: "update",
              spaceId: spaceShared,
              fields: {
                spaceId: { value: spaceShared, at: "2030-01-01T00:00:00.000Z" },
                authorId: { value: bob, at: "2030-01-01T00:00:00.000Z" }
              }
            },
            {
              table: "habits",
              id: habit.id,
              op: "insert",
              spaceId: spaceShared,
              data: {
                id: habit.id,
                title: "Moved",
                spaceId: spaceShared,
                authorId: bob,
                updatedAt: "2030-01-01T00:00:00.000Z"
              }
            }
          ]
        }
      })
      assert.deepStrictEqual((yield* listHabits()).habits.map((h) => h.id), [habit.id])
      assert.deepStrictEqual((yield* listHabits({}, callerFor(alice, spaceShared))).habits, [])
    })))

  it.effect("skips partial records that have no title", () =>
    fresh(Effect.gen(function*() {
      const engine = yield* SyncEngine
      yield* engine.push({
        userId: alice,
        appId: "habits",
        clientIdHeader: "web-app",
        body: {
          changes: [{
            table: "habits",
            id: "0b6f7c1e-2a5d-4b8e-9a51-7f3c2d1e0a99",
            op: "update",
            spaceId: spaceA,
            fields: { isArchived: { value: false, at: "2026-01-01T00:00:00.000Z" } }
          }]
        }
      })
      yield* createHabit({ title: "Walk" })
      assert.deepStrictEqual((yield* listHabits()).habits.map((h) => h.title), ["Walk"])
    })))

  it.effect("stamps each write with the running tool's name as the actor", () =>
    fresh(Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { habit } = yield* createHabit({ title: "Walk" })
      yield* runTool(archive, { id: habit.id }, Schema.Unknown)
      const pulled = yield* engine.pull({
        userId: alice,
        appId: "habits",
        clientIdHeader: "inspector",
        collection: "habits",
        since: "1970-01-01T00:00:00.000Z"
      })
      const actors = pulled.serverChanges.map((change) => JSON.stringify(change.actor))
      assert.deepStrictEqual(actors, [
        JSON.stringify({
          kind: "ai",
          principalId: "mana-mcp",
          displayName: "mana-mcp (habits.create)",
          tool: "habits.create"
        }),
        JSON.stringify({
          kind: "ai",
          principalId: "mana-mcp",
          displayName: "mana-mcp (habits.archive)",
          tool: "habits.archive"
        })
      ])
    })))

  it.effect("reads odd stored values as defaults and orders by creation instant, not by text", () =>
    fresh(Effect.gen(function*() {
      const engine = yield* SyncEngine
      const insert = (id: string, data: Record<string, unknown>) => ({
        table: "habits",
        id,
        op: "insert",
        spaceId: spaceA,
        data: { ...data, spaceId: spaceA }
      })
      yield* engine.push({
        userId: alice,
        appId: "habits",
        clientIdHeader: "web-app",
        body: {
          changes: [
            // 09:30 in UTC+02:00 is 07:30Z: earlier than 08:00Z although its text sorts later.
            insert("b", { title: "Later", order: 1, createdAt: "2026-01-01T08:00:00.000Z" }),
            insert("a", {
              title: "Odd",
              order: 1,
              icon: 7,
              color: "",
              targetPerDay: "2",
              isArchived: "yes",
              createdAt: "2026-01-01T09:30:00+02:00",
              updatedAt: 5
            })
          ]
        }
      })
      const { habits } = yield* listHabits()
      assert.deepStrictEqual(habits.map((h) => h.title), ["Odd", "Later"])
      assert.deepStrictEqual(habits[0], {
        id: "a",
        title: "Odd",
        icon: "star",
        color: "#6366f1",
        targetPerDay: null,
        defaultDuration: null,
        order: 1,
        isArchived: false,
        createdAt: "2026-01-01T09:30:00+02:00"
      })
    })))

  it.effect("gives 10 concurrent creates in one space distinct, increasing orders", () =>
    Effect.provide(
      Effect.gen(function*() {
        const created = yield* Effect.all(
          Array.from({ length: 10 }, (_, i) => createHabit({ title: `Habit ${i}` })),
          { concurrency: "unbounded" }
        )
        const orders = created.map(({ habit }) => habit.order).sort((a, b) => a - b)
        assert.deepStrictEqual(orders, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
        const listed = (yield* listHabits()).habits.map((habit) => habit.order)
        assert.deepStrictEqual(listed, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      }),
      SyncClientEngine.layerTest({ memberships, yieldBeforePush: true })
    ))

  it.effect("rejects an invalid color in the input schema, naming the field", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(create.decode({ title: "Walk", color: "blue" }))
      assert.strictEqual(error._tag, "InvalidToolInput")
      assert.isTrue(error.issues.some((issue) => issue.startsWith("color")))
    }))

  it.effect("update and archive of an unknown id fail with RecordNotFound and push nothing", () =>
    fresh(Effect.gen(function*() {
      const engine = yield* SyncEngine
      const id = "9d1e0000-0000-4000-8000-000000000000"
      const updateError = yield* Effect.flip(runTool(update, { id, title: "x" }, Schema.Unknown))
      assert.strictEqual(updateError._tag, "RecordNotFound")
      const archiveError = yield* Effect.flip(runTool(archive, { id }, Schema.Unknown))
      assert.strictEqual(archiveError._tag, "RecordNotFound")
      assert.strictEqual(yield* engine.rowCount, 0)
    })))

  it.effect("a habit of another space is not found by update", () =>
    fresh(Effect.gen(function*() {
      const { habit } = yield* createHabit({ title: "Family walk" }, callerFor(alice, spaceShared))
      const error = yield* Effect.flip(runTool(update, { id: habit.id, title: "x" }, Schema.Unknown))
      assert.strictEqual(error._tag, "RecordNotFound")
    })))
})
