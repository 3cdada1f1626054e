/**
 * `habit-check-in`: which habits are still open today (below their daily target), or how one
 * habit stands, with the ask to check in on them and log what was done.
 */
import { Effect, Schema } from "effect"
import { definePrompt } from "./definePrompt.ts"
import { habitArgument, HabitInput, spaceArgument, SpaceInput } from "./promptArguments.ts"
import { PromptFailed } from "./PromptFailed.ts"
import { dataBlock, readAs } from "./readAs.ts"

const name = "habit-check-in"

const Habits = Schema.Struct({
  today: Schema.String,
  habits: Schema.Array(Schema.Struct({
    habitId: Schema.String,
    title: Schema.String,
    today: Schema.Struct({ count: Schema.Number, target: Schema.Number, done: Schema.Boolean }),
    currentStreak: Schema.Number
  }))
})

export const habitCheckIn = definePrompt({
  name,
  title: "Habit check-in",
  description:
    "Which habits are still open today (below their daily target) with their streaks, or how one habit stands; with the request to check in and log what was done.",
  arguments: [habitArgument, spaceArgument],
  input: Schema.Struct({ habit: Schema.optional(HabitInput), space: Schema.optional(SpaceInput) }),
  build: (args, context) =>
    Effect.gen(function*() {
      const status = yield* readAs(
        context,
        name,
        "habits.logs",
        { from: context.today, to: context.today, limit: 1 },
        Habits
      )
      const wanted = args.habit?.toLowerCase()
      const chosen = wanted === undefined
        ? status.habits.filter((habit) => !habit.today.done)
        : status.habits.filter((habit) => habit.title.toLowerCase() === wanted)
      if (wanted !== undefined && chosen.length === 0) {
        return yield* new PromptFailed({
          prompt: name,
          reason: "invalid-arguments",
          detail: `No habit titled ${JSON.stringify(args.habit)} in space "${context.spaceName}". Its habits: ${
            status.habits.map((habit) => habit.title).join(", ") || "none"
          }`
        })
      }
      const rows = chosen.map((habit) => ({
        habitId: habit.habitId,
        title: habit.title,
        doneToday: habit.today.count,
        target: habit.today.target,
        currentStreak: habit.currentStreak
      }))
      return [
        wanted === undefined
          ? `Check in with me on my habits still open today (${status.today}) in my Mana space "${context.spaceName}".`
          : `Check in with me on my habit "${
            chosen[0]?.title ?? ""
          }" today (${status.today}) in my Mana space "${context.spaceName}".`,
        rows.length === 0 ? "Every habit is done for today." : dataBlock("Habits", rows),
        "Ask me briefly about each one; when I say I did one, record it with habits.log (habitId, count). " +
        "Mention a streak worth keeping."
      ].join("\n\n")
    })
})
