/**
 * `habits.logs`: check-ins of one habit or of all habits of the active space, for a date range
 * (newest first, paged), with each habit's progress today against its `targetPerDay` and its
 * current streak. Streaks and today's progress are computed from every log of the habit, not
 * only the page or the range asked for. Logs of habits that are no longer live are left out.
 */
import { Effect, Option, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { instantOf } from "../../sync/SyncWire.ts"
import { todayUtc } from "../kit/fields/dates.ts"
import { calendarDate } from "../kit/fields/index.ts"
import { pageFields, PageInfo, paginate } from "../kit/paging.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { findHabit, HabitId, habitsApp, readHabits } from "./Habit.ts"
import {
  countsByDay,
  currentStreak,
  DayProgress,
  HabitLog,
  habitLogsTable,
  progressOn,
  readHabitLog,
  targetOf
} from "./HabitLog.ts"

const defaultPage = 50
const maxPage = 200

const Input = Schema.Struct({
  habitId: Schema.optional(HabitId.annotations({ description: "Only this habit; default all habits" })),
  from: Schema.optionalWith(calendarDate("First day to include, YYYY-MM-DD (inclusive)"), { exact: true }),
  to: Schema.optionalWith(calendarDate("Last day to include, YYYY-MM-DD (inclusive)"), { exact: true }),
  ...pageFields(defaultPage, maxPage)
})

const HabitStatus = Schema.Struct({
  habitId: Schema.String,
  title: Schema.String,
  today: DayProgress,
  currentStreak: Schema.Int.annotations({
    description: "Consecutive days meeting the target, up to today (or yesterday while today is still open)"
  })
})

const Output = Schema.Struct({
  today: Schema.String.annotations({ description: "Today's date in UTC, the day progress and streaks are counted to" }),
  habits: Schema.Array(HabitStatus),
  logs: Schema.Array(HabitLog),
  ...PageInfo
})

/** Newest first: by day (YYYY-MM-DD sorts as text), then creation instant, then id. */
const newestFirst = (a: HabitLog, b: HabitLog) =>
  (a.date < b.date ? 1 : a.date > b.date ? -1 : 0) || instantOf(b.createdAt) - instantOf(a.createdAt) ||
  a.id.localeCompare(b.id)

export const logs = defineTool({
  name: "habits.logs",
  title: "Habit check-ins",
  description:
    `Returns check-ins of one habit (habitId) or of every unarchived habit of the user's active space, optionally for a date range (from / to, YYYY-MM-DD, inclusive). Returns { today, habits, logs, nextCursor, total }: today is the current date in UTC; habits has, per habit, today's count against its targetPerDay (1 if it has none) and the current streak of days meeting it; logs are newest first and paged (limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor). Fails with RecordNotFound if habitId is not a live habit of the active space.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  handler: (input) =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const habits = input.habitId === undefined
        ? (yield* readHabits(sync, caller)).filter((habit) => !habit.isArchived)
        : [yield* findHabit(sync, caller, input.habitId)]
      const today = yield* todayUtc
      const records = yield* sync.read(caller, habitsApp, habitLogsTable)
      const all = records.flatMap((record) => Option.toArray(readHabitLog(record.id, record.data)))
      const status = habits.map((habit) => {
        const byDay = countsByDay(all.filter((log) => log.habitId === habit.id))
        const target = targetOf(habit.targetPerDay)
        return {
          habitId: habit.id,
          title: habit.title,
          today: progressOn(byDay, today, target),
          currentStreak: currentStreak(byDay, today, target)
        }
      })
      const wanted = new Set(habits.map((habit) => habit.id))
      const inRange = all
        .filter((log) =>
          wanted.has(log.habitId) && (input.from === undefined || log.date >= input.from) &&
          (input.to === undefined || log.date <= input.to)
        )
        .sort(newestFirst)
      const { cursor: _cursor, limit: _limit, ...filters } = input
      const page = yield* paginate("habits.logs", inRange, input, filters)
      return { today, habits: status, logs: page.items, nextCursor: page.nextCursor, total: page.total }
    })
})
