/**
 * `habits.list`: the habits of the caller's active space, in the web app's order. Archived habits
 * are hidden unless asked for; partial records without a title are never shown.
 */
import { Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import { flagOffByDefault } from "../kit/fields/index.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Habit, readHabits } from "./Habit.ts"

const Input = Schema.Struct({
  includeArchived: flagOffByDefault("Also return archived habits (default false)")
})

const Output = Schema.Struct({ habits: Schema.Array(Habit) })

// Built once per change of the table; identical results let invoke reuse the serialised text too.
const outputsOf = memoByIdentity((habits: ReadonlyArray<Habit>) => ({
  all: { habits },
  active: { habits: habits.filter((h) => !h.isArchived) }
}))

export const list = defineTool({
  name: "habits.list",
  title: "List habits",
  description:
    "Lists the habits of the user's active Mana space, sorted by their position (order), then creation time. Returns { habits } with id, title, icon, color, targetPerDay, defaultDuration, order and isArchived. Archived habits are left out unless includeArchived is true. Other spaces' habits are never included.",
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  handler: (input): Effect.Effect<typeof Output.Type, SyncError, Caller | SyncClient> =>
    Effect.gen(function*() {
      const outputs = (yield* outputsOf)(yield* readHabits(yield* SyncClient, yield* Caller))
      return input.includeArchived ? outputs.all : outputs.active
    })
})
