/**
 * `habits.log`: records a check-in ("I walked today"): one insert into `habitLogs` with a count,
 * a day (default today, UTC) and an optional note. The habit must be a live habit of the active
 * space. Answers with the new log and the habit's progress on that day. With an
 * `idempotencyKey` a retry returns the first answer and logs nothing twice.
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { todayUtc } from "../kit/fields/dates.ts"
import { newRecordId } from "../kit/idempotent/derivedRecordId.ts"
import { idempotent, optionalKey, retrySafe } from "../kit/idempotent/withIdempotencyKey.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { buildLog, type CheckIn, CheckInFields, progressWith, storedLogs } from "./checkIn.ts"
import { findHabit, habitsApp } from "./Habit.ts"
import { DayProgress, HabitLog, habitLogsTable } from "./HabitLog.ts"

const Input = Schema.Struct({ ...CheckInFields, idempotencyKey: optionalKey })

const Output = Schema.Struct({ log: HabitLog, progress: DayProgress })

const logCheckIn = (input: CheckIn) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const sync = yield* SyncClient
    const habit = yield* findHabit(sync, caller, input.habitId)
    const date = input.date ?? (yield* todayUtc)
    const now = DateTime.formatIso(yield* DateTime.now)
    const entry = buildLog(input, habit, yield* newRecordId(), date, now)
    const existing = yield* sync.read(caller, habitsApp, habitLogsTable)
    yield* pushChanges(habitsApp, [{ op: "insert", table: habitLogsTable, id: entry.id, data: entry }])
    return { log: entry, progress: progressWith(habit, storedLogs(existing), [entry], date) }
  })

export const log = defineTool({
  name: "habits.log",
  title: "Log habit",
  description:
    `Records a check-in of one habit in the user's active Mana space, e.g. "I walked today": count (default 1), date YYYY-MM-DD (default today — the current date in UTC, which may differ from the user's local date late in the evening or early in the morning) and an optional note. Logging twice on a day adds up. Returns { log, progress } where progress is that day's total against the habit's targetPerDay. To log several check-ins at once use habits.logMany. Fails with RecordNotFound if the habit is not a live habit of the active space (use habits.list).${retrySafe}`,
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: ({ idempotencyKey, ...input }) => idempotent(idempotencyKey, input, Output, logCheckIn(input))
})
