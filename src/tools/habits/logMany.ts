/**
 * `habits.logMany`: up to 50 check-ins in one call and one push, each what `habits.log` takes and
 * checked on its own (shape, a live habit of the active space). Answers each log's day progress,
 * counting the check-ins of this call. `dryRun` writes nothing. With an `idempotencyKey` a retry
 * returns the first answer and each log's id is derived from the key and its position.
 */
import { DateTime, Effect, Either, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { type OutgoingChange, SyncClient } from "../../sync/SyncClient.ts"
import { dryRunField, itemsField, maxBulkItems } from "../kit/bulk/bulkFields.ts"
import { BulkResult, bulkResult, type ItemResult, refusedItem } from "../kit/bulk/BulkResult.ts"
import { decodeItem } from "../kit/bulk/decodeItems.ts"
import { todayUtc } from "../kit/fields/dates.ts"
import { newRecordId } from "../kit/idempotent/derivedRecordId.ts"
import { idempotent, optionalKey, retrySafe } from "../kit/idempotent/withIdempotencyKey.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { RecordNotFound } from "../kit/RecordNotFound.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { buildLog, CheckIn, progressWith, storedLogs } from "./checkIn.ts"
import { habitsApp, readHabits } from "./Habit.ts"
import { type HabitLog, habitLogsTable } from "./HabitLog.ts"

const Input = Schema.Struct({
  items: itemsField(
    CheckIn,
    `The check-ins (1–${maxBulkItems}), each as habits.log takes it: { habitId, count?, date?, note? }`
  ),
  dryRun: dryRunField,
  idempotencyKey: optionalKey
})

const checkItem = decodeItem(CheckIn)

const logAll = ({ dryRun, items }: Omit<typeof Input.Type, "idempotencyKey">) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const sync = yield* SyncClient
    const habits = new Map((yield* readHabits(sync, caller)).map((habit) => [habit.id, habit]))
    const stored = storedLogs(yield* sync.read(caller, habitsApp, habitLogsTable))
    const today = yield* todayUtc
    const now = DateTime.formatIso(yield* DateTime.now)
    const added: Array<HabitLog> = []
    const planned: Array<ItemResult | HabitLog> = []
    for (const [index, checked] of items.map(checkItem).entries()) {
      if (Either.isLeft(checked)) {
        planned.push(refusedItem(index, checked.left))
        continue
      }
      const habit = habits.get(checked.right.habitId)
      if (habit === undefined) {
        const missing = new RecordNotFound({ kind: "habit", id: checked.right.habitId, listTool: "habits.list" })
        planned.push(refusedItem(index, missing.message, checked.right.habitId))
        continue
      }
      const entry = buildLog(checked.right, habit, yield* newRecordId(index), checked.right.date ?? today, now)
      added.push(entry)
      planned.push(entry)
    }
    const inserts = added.map((entry): OutgoingChange => ({
      op: "insert",
      table: habitLogsTable,
      id: entry.id,
      data: entry
    }))
    if (!dryRun && inserts.length > 0) yield* pushChanges(habitsApp, inserts)
    const results = planned.map((entry, index): ItemResult => {
      if ("status" in entry) return entry
      const habit = habits.get(entry.habitId)
      const progress = habit === undefined ? "" : (() => {
        const day = progressWith(habit, stored, added, entry.date)
        return ` (${day.count}/${day.target} on ${day.date}${day.done ? ", target met" : ""})`
      })()
      return {
        index,
        status: dryRun ? "wouldBeDone" : "done",
        ...(dryRun ? {} : { id: entry.id, updatedAt: now }),
        title: `${habit?.title ?? entry.habitId}${progress}`
      }
    })
    return bulkResult(results, dryRun, "logged")
  })

export const logMany = defineTool({
  name: "habits.logMany",
  title: "Log habits",
  description:
    `Records up to ${maxBulkItems} habit check-ins of the user's active Mana space in one call, e.g. a week of walks. items: each what habits.log takes ({ habitId, count? (default 1), date? YYYY-MM-DD (default today, UTC), note? }). Each item is checked on its own: an invalid one or an unknown habit is refused with the reason, the rest are logged. dryRun: true answers what would be logged without writing. Returns { dryRun, done, unchanged, refused, results, message }: one entry per item, in order; title names the habit and its progress that day after this call (count/target).${retrySafe}`,
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: BulkResult,
  // A dry run writes nothing, so it neither uses up nor replays the key.
  handler: ({ idempotencyKey, ...input }) =>
    idempotent(input.dryRun ? undefined : idempotencyKey, input, BulkResult, logAll(input))
})
