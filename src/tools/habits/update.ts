/**
 * `habits.update`: changes some fields of an existing habit. Only the given fields are pushed,
 * each stamped with `at` by the SyncClient (so the change wins field-level LWW on every device),
 * plus `updatedAt`. The habit must exist in the active space first, so a wrong id fails with
 * `RecordNotFound` instead of creating a partial record elsewhere (docs/upstreams.md §4). With
 * `ifUnchangedSince`, a habit changed after that instant is not written (`RecordChanged`).
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import type { CurrentTool } from "../kit/CurrentTool.ts"
import { changedAtOf, laterOf } from "../kit/guard/changedAt.ts"
import { checkUnchanged, optionalGuard, pickFields } from "../kit/guard/ifUnchangedSince.ts"
import type { RecordChanged } from "../kit/guard/RecordChanged.ts"
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
  defaultDuration: Schema.optional(DefaultDuration),
  ifUnchangedSince: optionalGuard
})

const guarded = { kind: "habit", updateTool: "habits.update", getTool: "habits.list" }

const Output = Schema.Struct({ habit: Habit })

export const update = defineTool({
  name: "habits.update",
  title: "Update habit",
  description:
    "Changes fields of one habit in the user's active Mana space: any of title, icon, color, targetPerDay, defaultDuration. Fields you leave out keep their values; pass null to clear targetPerDay or defaultDuration. Pass ifUnchangedSince (the updatedAt you last saw) to refuse the update if the habit was changed since, e.g. by the user in the app; the error then shows the current values to merge with. Returns { habit }: the habit after the change, with updatedAt (its last change). Fails with RecordNotFound if the id is not a habit of the active space (use habits.list to find ids). To archive, use habits.archive.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: (
    { id, ifUnchangedSince, ...changes }
  ): Effect.Effect<typeof Output.Type, SyncError | RecordNotFound | RecordChanged, Caller | SyncClient | CurrentTool> =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const habit = yield* findHabit(sync, caller, id)
      const stored = (yield* sync.read(caller, habitsApp, habitsTable)).find((record) => record.id === id)
      const fields: Record<string, unknown> = {}
      for (const [key, value] of Object.entries(changes)) if (value !== undefined) fields[key] = value
      const changedAt = stored === undefined ? habit.updatedAt : changedAtOf(stored) ?? habit.updatedAt
      if (stored !== undefined) {
        yield* checkUnchanged(guarded, stored, ifUnchangedSince, pickFields(habit, Object.keys(fields)))
      }
      if (Object.keys(fields).length === 0) {
        return { habit: { ...habit, ...(changedAt === undefined ? {} : { updatedAt: changedAt }) } }
      }
      const updatedAt = DateTime.formatIso(yield* DateTime.now)
      fields["updatedAt"] = updatedAt
      const at = yield* pushChanges(habitsApp, [{ op: "update", table: habitsTable, id, fields }])
      const updated: Habit = {
        ...habit,
        ...(changes.title === undefined ? {} : { title: changes.title }),
        ...(changes.icon === undefined ? {} : { icon: changes.icon }),
        ...(changes.color === undefined ? {} : { color: changes.color }),
        ...(changes.targetPerDay === undefined ? {} : { targetPerDay: changes.targetPerDay }),
        ...(changes.defaultDuration === undefined ? {} : { defaultDuration: changes.defaultDuration }),
        updatedAt: laterOf(changedAt, at)
      }
      return { habit: updated }
    })
})
