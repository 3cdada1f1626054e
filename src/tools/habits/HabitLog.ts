/**
 * The habit check-in record (`habitLogs` table of the `habits` app) — ONE Schema, here, because
 * its shape is an assumption: upstreams.md does not describe the table (docs/upstreams.md,
 * "habitLogs"). Plain fields only (no field encryption is assumed): `id`, `habitId`, `date`
 * (`YYYY-MM-DD`), `count`, optional `note`, `createdAt`, plus the record fields every synced row
 * carries (`spaceId`, `authorId`, `visibility`, `deletedAt`), which the SyncClient stamps. Reading
 * is lenient like every other table: a row without a habit id or a date is skipped, a missing
 * count is 1. Also the day arithmetic for progress and streaks. No I/O here.
 */
import { Option, Schema } from "effect"
import { addDays } from "../kit/fields/dates.ts"

export const habitLogsTable = "habitLogs"

export const HabitLog = Schema.Struct({
  id: Schema.String,
  habitId: Schema.String,
  date: Schema.String,
  count: Schema.Int,
  note: Schema.optional(Schema.String),
  createdAt: Schema.optional(Schema.String)
}).annotations({ identifier: "HabitLog", description: "One check-in of a habit on a day" })
export type HabitLog = typeof HabitLog.Type

const StoredHabitLog = Schema.Struct({
  id: Schema.String,
  habitId: Schema.String,
  date: Schema.String.pipe(Schema.pattern(/^\d{4}-\d{2}-\d{2}$/)),
  count: Schema.optionalWith(Schema.Int.pipe(Schema.positive()), { nullable: true, default: () => 1 }),
  note: Schema.optionalWith(Schema.String, { nullable: true }),
  createdAt: Schema.optionalWith(Schema.String, { nullable: true })
})

/** A stored row as a `HabitLog`, or `None` for a partial or malformed row. */
export const readHabitLog = (id: string, data: Readonly<Record<string, unknown>>): Option.Option<HabitLog> =>
  Schema.decodeUnknownOption(StoredHabitLog)({ ...data, id })

export const DayProgress = Schema.Struct({
  date: Schema.String,
  count: Schema.Int.annotations({ description: "Check-ins counted on that day" }),
  target: Schema.Int.annotations({ description: "targetPerDay of the habit, or 1 when it has none" }),
  done: Schema.Boolean
})
export type DayProgress = typeof DayProgress.Type

/** Total count per day of one habit's logs. */
export const countsByDay = (logs: ReadonlyArray<HabitLog>): ReadonlyMap<string, number> => {
  const byDay = new Map<string, number>()
  for (const log of logs) byDay.set(log.date, (byDay.get(log.date) ?? 0) + log.count)
  return byDay
}

export const progressOn = (byDay: ReadonlyMap<string, number>, date: string, target: number): DayProgress => {
  const count = byDay.get(date) ?? 0
  return { date, count, target, done: count >= target }
}

/**
 * Consecutive days meeting the target, ending today — or yesterday while today is still open,
 * so a streak does not read as broken in the morning.
 */
export const currentStreak = (byDay: ReadonlyMap<string, number>, today: string, target: number): number => {
  const met = (date: string) => (byDay.get(date) ?? 0) >= target
  let day = met(today) ? today : addDays(today, -1)
  let streak = 0
  while (met(day)) {
    streak += 1
    day = addDays(day, -1)
  }
  return streak
}

/** `Option` of a positive integer target, else the implicit daily target 1. */
export const targetOf = (targetPerDay: number | null): number =>
  Option.getOrElse(Option.filter(Option.fromNullable(targetPerDay), (t) => Number.isInteger(t) && t > 0), () => 1)
