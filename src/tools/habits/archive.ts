/**
 * `habits.archive`: archives or unarchives a habit (the `isArchived` field plus `updatedAt`).
 * Archiving is the reversible alternative to deleting (habits.delete). The habit
 * must exist in the active space first (`RecordNotFound` otherwise).
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import type { CurrentTool } from "../kit/CurrentTool.ts"
import { flag } from "../kit/fields/index.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import type { RecordNotFound } from "../kit/RecordNotFound.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { findHabit, Habit, HabitId, habitsApp, habitsTable } from "./Habit.ts"

const Input = Schema.Struct({
  id: HabitId,
  archived: Schema.optionalWith(
    flag("true to archive (default), false to unarchive"),
    { default: () => true }
  )
})

const Output = Schema.Struct({ habit: Habit })

export const archive = defineTool({
  name: "habits.archive",
  title: "Archive habit",
  description:
    "Archives one habit of the user's active Mana space (hidden from habits.list unless includeArchived is true, history kept), or unarchives it with archived: false. Returns { habit }: the habit after the change. Fails with RecordNotFound if the id is not a habit of the active space (use habits.list with includeArchived: true to find ids).",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: (
    { archived, id }
  ): Effect.Effect<typeof Output.Type, SyncError | RecordNotFound, Caller | SyncClient | CurrentTool> =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const habit = yield* findHabit(sync, caller, id)
      const now = DateTime.formatIso(yield* DateTime.now)
      yield* pushChanges(habitsApp, [{
        op: "update",
        table: habitsTable,
        id,
        fields: { isArchived: archived, updatedAt: now }
      }])
      return { habit: { ...habit, isArchived: archived, updatedAt: now } }
    })
})
