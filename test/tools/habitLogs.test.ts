/**
 * habits.log / habits.logs / habits.delete against the engine-backed SyncClient: check-ins add
 * up per day, progress against targetPerDay, streaks (today or, while today is open, up to
 * yesterday), date-range filters and paging, the UTC "today" from the clock, the plain wire
 * shape of a habitLogs row, web-app rows, and the existence and space checks.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, TestClock } from "effect"
import { SyncEngine } from "../../src/dev/sync/SyncEngine.ts"
import { create } from "../../src/tools/habits/create.ts"
import { deleteHabit } from "../../src/tools/habits/delete.ts"
import { Habit } from "../../src/tools/habits/Habit.ts"
import { DayProgress, HabitLog } from "../../src/tools/habits/HabitLog.ts"
import { list } from "../../src/tools/habits/list.ts"
import { log } from "../../src/tools/habits/log.ts"
import { logs } from "../../src/tools/habits/logs.ts"
import { DeleteResult } from "../../src/tools/kit/deleteTool.ts"
import { PageInfo } from "../../src/tools/kit/paging.ts"
import { seedInsert, storedChanges, toolLayer } from "../support/cryptoTools.ts"
import { runTool } from "../support/runTool.ts"
import { aliceCaller as alice, callerFor } from "../support/users.ts"

const Created = Schema.Struct({ habit: Habit })
const Logged = Schema.Struct({ log: HabitLog, progress: DayProgress })
const Logs = Schema.Struct({
  today: Schema.String,
  habits: Schema.Array(Schema.Struct({
    habitId: Schema.String,
    title: Schema.String,
    today: DayProgress,
    currentStreak: Schema.Number
  })),
  logs: Schema.Array(HabitLog),
  ...PageInfo
})
const Deleted = DeleteResult

describe("habit check-ins", () => {
  it.effect("log adds up per day against targetPerDay; today is the UTC date", () =>
    Effect.gen(function*() {
      // 23:30 UTC is already tomorrow in Berlin: "today" is the UTC date.
      yield* TestClock.setTime(Date.parse("2026-05-07T23:30:00.000Z"))
      const { habit } = yield* runTool(create, { title: "Water", targetPerDay: 3 }, Created)
      const first = yield* runTool(log, { habitId: habit.id, note: "morning glass" }, Logged)
      assert.deepInclude(first.log, { habitId: habit.id, date: "2026-05-07", count: 1, note: "morning glass" })
      assert.deepStrictEqual(first.progress, { date: "2026-05-07", count: 1, target: 3, done: false })
      const second = yield* runTool(log, { habitId: habit.id, count: 2 }, Logged)
      assert.deepStrictEqual(second.progress, { date: "2026-05-07", count: 3, target: 3, done: true })

      const [insert] = yield* storedChanges("habits", "habitLogs")
      assert.deepInclude(insert?.data, {
        habitId: habit.id,
        date: "2026-05-07",
        count: 1,
        note: "morning glass",
        spaceId: alice.spaceId,
        authorId: alice.principal.userId
      })
    }).pipe(Effect.provide(toolLayer())))

  it.effect("logs: streaks, today's progress, date range, paging", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-10T08:00:00.000Z"))
      const { habit: walk } = yield* runTool(create, { title: "Walk" }, Created)
      const { habit: read } = yield* runTool(create, { title: "Read", targetPerDay: 2 }, Created)
      for (const date of ["2026-05-06", "2026-05-07", "2026-05-08", "2026-05-09"]) {
        yield* runTool(log, { habitId: walk.id, date }, Logged)
      }
      yield* runTool(log, { habitId: walk.id, date: "2026-05-04" }, Logged)
      yield* runTool(log, { habitId: read.id, date: "2026-05-10" }, Logged)
      yield* runTool(log, { habitId: read.id, date: "2026-05-09", count: 2 }, Logged)

      const all = yield* runTool(logs, {}, Logs)
      assert.strictEqual(all.today, "2026-05-10")
      const byTitle = Object.fromEntries(all.habits.map((h) => [h.title, h]))
      // Walk: today still open, so the streak runs up to yesterday (4 days).
      assert.strictEqual(byTitle["Walk"]?.currentStreak, 4)
      assert.deepStrictEqual(byTitle["Walk"]?.today, { date: "2026-05-10", count: 0, target: 1, done: false })
      // Read: today 1 of 2, yesterday met.
      assert.strictEqual(byTitle["Read"]?.currentStreak, 1)
      assert.deepStrictEqual(byTitle["Read"]?.today, { date: "2026-05-10", count: 1, target: 2, done: false })
      assert.strictEqual(all.total, 7)
      assert.strictEqual(all.logs[0]?.date, "2026-05-10")

      const ranged = yield* runTool(logs, { habitId: walk.id, from: "2026-05-05", to: "2026-05-08" }, Logs)
      assert.deepStrictEqual(ranged.logs.map((l) => l.date), ["2026-05-08", "2026-05-07", "2026-05-06"])
      assert.deepStrictEqual(ranged.habits.map((h) => h.title), ["Walk"])
      const page = yield* runTool(logs, { habitId: walk.id, limit: 2 }, Logs)
      const next = yield* runTool(logs, { habitId: walk.id, limit: 2, cursor: page.nextCursor }, Logs)
      assert.deepStrictEqual(next.logs.map((l) => l.date), ["2026-05-07", "2026-05-06"])
    }).pipe(Effect.provide(toolLayer())))

  it.effect("web-app rows without count or timestamps read as one check-in; partial rows are skipped", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-10T08:00:00.000Z"))
      const { habit } = yield* runTool(create, { title: "Stretch" }, Created)
      yield* seedInsert("habits", "habitLogs", "aaaaaaaa-0000-4000-8000-000000000001", {
        habitId: habit.id,
        date: "2026-05-10"
      })
      yield* seedInsert("habits", "habitLogs", "aaaaaaaa-0000-4000-8000-000000000002", { habitId: habit.id })
      const result = yield* runTool(logs, { habitId: habit.id }, Logs)
      assert.deepStrictEqual(result.logs.map((l) => [l.date, l.count]), [["2026-05-10", 1]])
      assert.isTrue(result.habits[0]?.today.done)
    }).pipe(Effect.provide(toolLayer())))

  it.effect("log and logs refuse another space's habit, pushing nothing; bad dates are refused", () =>
    Effect.gen(function*() {
      const engine = yield* SyncEngine
      const { habit } = yield* runTool(
        create,
        { title: "Elsewhere" },
        Created,
        callerFor(alice.principal.userId, "space-elsewhere")
      )
      const rows = yield* engine.rowCount
      assert.strictEqual((yield* Effect.flip(runTool(log, { habitId: habit.id }, Logged)))._tag, "RecordNotFound")
      assert.strictEqual((yield* Effect.flip(runTool(logs, { habitId: habit.id }, Logs)))._tag, "RecordNotFound")
      assert.strictEqual(yield* engine.rowCount, rows)
      for (const date of ["2026-13-01", "1899-12-31", "2201-01-01", "today"]) {
        const error = yield* Effect.flip(runTool(log, { habitId: habit.id, date }, Logged))
        assert.strictEqual(error._tag, "InvalidToolInput", date)
      }
    }).pipe(Effect.provide(toolLayer())))

  it.effect("habits.delete soft-deletes: gone from list and logs, refused twice", () =>
    Effect.gen(function*() {
      const { habit } = yield* runTool(create, { title: "Smoke-free" }, Created)
      const result = yield* runTool(deleteHabit, { id: habit.id }, Deleted)
      assert.deepStrictEqual(result.deleted, { table: "habits", id: habit.id, title: "Smoke-free" })
      const listed = yield* runTool(list, { includeArchived: true }, Schema.Struct({ habits: Schema.Array(Habit) }))
      assert.deepStrictEqual(listed.habits, [])
      assert.strictEqual((yield* Effect.flip(runTool(deleteHabit, { id: habit.id }, Deleted)))._tag, "RecordNotFound")
      assert.strictEqual((yield* Effect.flip(runTool(log, { habitId: habit.id }, Logged)))._tag, "RecordNotFound")
      const ops = (yield* storedChanges("habits", "habits")).map((c) => c.op)
      assert.deepStrictEqual(ops, ["insert", "delete"])
    }).pipe(Effect.provide(toolLayer())))
})
