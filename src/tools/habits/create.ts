/**
 * `habits.create`: adds a habit to the caller's active space. Its `order` puts it after every live
 * habit of that space (max + 1, archived ones included), not after a count of events (docs/upstreams.md §4).
 * The full record goes out as one insert; the SyncClient adds space, author and visibility.
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { Ids } from "../../domain/Ids.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import type { CurrentTool } from "../kit/CurrentTool.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { nextOrder } from "../kit/recordOrder.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import {
  Color,
  defaultColor,
  DefaultDuration,
  defaultIcon,
  Habit,
  habitsApp,
  habitsTable,
  Icon,
  readHabits,
  TargetPerDay,
  Title
} from "./Habit.ts"

const Input = Schema.Struct({
  title: Title,
  icon: Schema.optionalWith(Icon, { default: () => defaultIcon }),
  color: Schema.optionalWith(Color, { default: () => defaultColor }),
  targetPerDay: Schema.optionalWith(TargetPerDay, { default: () => null }),
  defaultDuration: Schema.optionalWith(DefaultDuration, { default: () => null })
})

const Output = Schema.Struct({ habit: Habit })

export const create = defineTool({
  name: "habits.create",
  title: "Create habit",
  description:
    "Creates a habit in the user's active Mana space and returns { habit } with its new id. The habit is placed after the existing habits of the space and starts unarchived. Only title is required; icon defaults to \"star\", color to \"#6366f1\", targetPerDay and defaultDuration to null.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: (input): Effect.Effect<typeof Output.Type, SyncError, Caller | SyncClient | Ids | CurrentTool> =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const id = yield* Effect.flatMap(Ids, (ids) => ids.uuid)
      // Place and push under the table's lock: concurrent creates get distinct, increasing orders.
      return yield* sync.exclusive(caller, habitsApp, habitsTable)(Effect.gen(function*() {
        const existing = yield* readHabits(sync, caller)
        const now = DateTime.formatIso(yield* DateTime.now)
        const habit: Habit = {
          id,
          title: input.title,
          icon: input.icon,
          color: input.color,
          targetPerDay: input.targetPerDay,
          defaultDuration: input.defaultDuration,
          order: nextOrder(existing.map((h) => h.order)),
          isArchived: false,
          createdAt: now,
          updatedAt: now
        }
        yield* pushChanges(habitsApp, [{ op: "insert", table: habitsTable, id: habit.id, data: habit }])
        return { habit }
      }))
    })
})
