/**
 * `habits.log`: records a check-in ("I walked today"): one insert into `habitLogs` with a count,
 * a day (default today, UTC) and an optional note. The habit must be a live habit of the active
 * space. Answers with the new log and the habit's progress on that day.
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { Ids } from "../../domain/Ids.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { todayUtc } from "../kit/fields/dates.ts"
import { calendarDate, text, wholeNumber } from "../kit/fields/index.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { findHabit, HabitId, habitsApp } from "./Habit.ts"
import { countsByDay, DayProgress, HabitLog, habitLogsTable, progressOn, readHabitLog, targetOf } from "./HabitLog.ts"

const Input = Schema.Struct({
  habitId: HabitId,
  count: Schema.optionalWith(
    wholeNumber(1, 1000, "How many times (1–1000); default 1"),
    { default: () => 1 }
  ),
  date: Schema.optionalWith(calendarDate("The day of the check-in, YYYY-MM-DD; default today in UTC"), {
    exact: true
  }),
  note: Schema.optionalWith(text({ min: 0, max: 500, description: "Optional note (at most 500 characters)" }), {
    exact: true
  })
})

const Output = Schema.Struct({ log: HabitLog, progress: DayProgress })

export const log = defineTool({
  name: "habits.log",
  title: "Log habit",
  description:
    "Records a check-in of one habit in the user's active Mana space, e.g. \"I walked today\": count (default 1), date YYYY-MM-DD (default today — the current date in UTC, which may differ from the user's local date late in the evening or early in the morning) and an optional note. Logging twice on a day adds up. Returns { log, progress } where progress is that day's total against the habit's targetPerDay. Fails with RecordNotFound if the habit is not a live habit of the active space (use habits.list).",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: (input) =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const habit = yield* findHabit(sync, caller, input.habitId)
      const date = input.date ?? (yield* todayUtc)
      const now = DateTime.formatIso(yield* DateTime.now)
      const entry: HabitLog = {
        id: yield* Effect.flatMap(Ids, (ids) => ids.uuid),
        habitId: habit.id,
        date,
        count: input.count,
        ...(input.note === undefined ? {} : { note: input.note }),
        createdAt: now
      }
      const existing = yield* sync.read(caller, habitsApp, habitLogsTable)
      yield* pushChanges(habitsApp, [{
        op: "insert",
        table: habitLogsTable,
        id: entry.id,
        data: { ...entry, updatedAt: now }
      }])
      const sameHabit = existing.flatMap((record) => {
        const read = readHabitLog(record.id, record.data)
        return read._tag === "Some" && read.value.habitId === habit.id ? [read.value] : []
      })
      return {
        log: entry,
        progress: progressOn(countsByDay([...sameHabit, entry]), date, targetOf(habit.targetPerDay))
      }
    })
})
