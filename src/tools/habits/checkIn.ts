/**
 * What a check-in is, for `habits.log` and `habits.logMany`: the input fields (one schema, so a
 * bulk item accepts exactly what `habits.log` does), the log record built from them, and the
 * day's progress of a habit given the logs already stored. No I/O here.
 */
import { Option, Schema } from "effect"
import type { SyncRecord } from "../../sync/SyncClient.ts"
import { calendarDate, text, wholeNumber } from "../kit/fields/index.ts"
import { type Habit, HabitId } from "./Habit.ts"
import { countsByDay, type DayProgress, type HabitLog, progressOn, readHabitLog, targetOf } from "./HabitLog.ts"

export const CheckInFields = {
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
}

export const CheckIn = Schema.Struct(CheckInFields)
export type CheckIn = typeof CheckIn.Type

export const buildLog = (input: CheckIn, habit: Habit, id: string, date: string, now: string): HabitLog => ({
  id,
  habitId: habit.id,
  date,
  count: input.count,
  ...(input.note === undefined ? {} : { note: input.note }),
  createdAt: now,
  updatedAt: now
})

/** The stored check-ins, decoded once (a bulk call computes progress for many habits from them). */
export const storedLogs = (stored: ReadonlyArray<SyncRecord>): ReadonlyArray<HabitLog> =>
  stored.flatMap((record) => Option.toArray(readHabitLog(record.id, record.data)))

/** `habit`'s progress on `date`, counting the stored logs (`storedLogs`) and `added` ones. */
export const progressWith = (
  habit: Habit,
  stored: ReadonlyArray<HabitLog>,
  added: ReadonlyArray<HabitLog>,
  date: string
): DayProgress => {
  const sameHabit = stored.filter((entry) => entry.habitId === habit.id)
  const addedHere = added.filter((entry) => entry.habitId === habit.id)
  return progressOn(countsByDay([...sameHabit, ...addedHere]), date, targetOf(habit.targetPerDay))
}
