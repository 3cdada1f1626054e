/**
 * `habits.update`: changes some fields of an existing habit. Only the given fields are pushed,
 * each stamped with `at` by the SyncClient (so the change wins field-level LWW on every device),
 * plus `updatedAt`. The habit must exist in the active space first, so a wrong id fails with
 * `RecordNotFound` instead of creating a partial record elsewhere (docs/upstreams.md §4).
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import type { CurrentTool } from "../kit/CurrentTool.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import type { RecordNotFound } from "../kit/RecordNotFound.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import {
  Color,
  DefaultDuration,
  findHabit,
  Habit,
  HabitId,
  habitsApp,
  habitsTable,
  Icon,
  TargetPerDay,
  Title
} from "./Habit.ts"

const Input = Schema.Struct({
  id: HabitId,
  title: Schema.optional(Title),
  icon: Schema.optional(Icon),
  color: Schema.optional(Color),
  targetPerDay: Schema.optional(TargetPerDay),
  defaultDuration: Schema.optional(DefaultDuration)
})

const Output = Schema.Struct({ habit: Habit })

export const update = defineTool({
  name: "habits.update",
  title: "Update habit",
  description:
    "Changes fields of one habit in the user's active Mana space: any of title, icon, color, targetPerDay, defaultDuration. Fields you leave out keep their values; pass null to clear targetPerDay or defaultDuration. Returns { habit }: the habit after the change. Fails with RecordNotFound if the id is not a habit of the active space (use habits.list to find ids). To archive, use habits.archive.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: (
    { id, ...changes }
  ): Effect.Effect<typeof Output.Type, SyncError | RecordNotFound, Caller | SyncClient | CurrentTool> =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const habit = yield* findHabit(sync, caller, id)
      const fields: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) fields[key] = value
      if (Object.keys(fields).length === 0) return { habit }
      const updatedAt = DateTime.formatIso(yield* DateTime.now)
      fields["updatedAt"] = updatedAt
      yield* pushChanges(habitsApp, [{ op: "update", table: habitsTable, id, fields }])
      const updated: Habit = {
        ...habit,
        ...(changes.title === undefined ? {} : { title: changes.title }),
        ...(changes.icon === undefined ? {} : { icon: changes.icon }),
        ...(changes.color === undefined ? {} : { color: changes.color }),
        ...(changes.targetPerDay === undefined ? {} : { targetPerDay: changes.targetPerDay }),
        ...(changes.defaultDuration === undefined ? {} : { defaultDuration: changes.defaultDuration }),
        updatedAt
      }
      return { habit: updated }
    })
})
