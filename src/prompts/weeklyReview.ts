/**
 * `weekly-review`: the seven days ending on a day (default today) — tasks completed in them,
 * each habit's check-ins and current streak, the journal's moods and entries — with the ask for
 * a short review and a focus for the next week.
 */
import { Effect, Schema } from "effect"
import { instantOf } from "../sync/SyncWire.ts"
import { addDays } from "../tools/kit/fields/dates.ts"
import { definePrompt } from "./definePrompt.ts"
import { DayInput, spaceArgument, SpaceInput } from "./promptArguments.ts"
import { dataBlock, readAs } from "./readAs.ts"

const name = "weekly-review"

const Tasks = Schema.Struct({
  tasks: Schema.Array(
    Schema.Struct({ id: Schema.String, title: Schema.String, completedAt: Schema.NullOr(Schema.String) })
  )
})
const Habits = Schema.Struct({
  habits: Schema.Array(Schema.Struct({
    habitId: Schema.String,
    title: Schema.String,
    today: Schema.Struct({ target: Schema.Number }),
    currentStreak: Schema.Number
  })),
  logs: Schema.Array(Schema.Struct({ habitId: Schema.String, count: Schema.Number }))
})
const Entries = Schema.Struct({
  entries: Schema.Array(Schema.Struct({
    id: Schema.String,
    entryDate: Schema.String,
    title: Schema.NullOr(Schema.String),
    mood: Schema.NullOr(Schema.String),
    contentPreview: Schema.String
  })),
  total: Schema.Number
})

export const weeklyReview = definePrompt({
  name,
  title: "Weekly review",
  description:
    "The seven days ending on a day (default today): tasks completed, each habit's check-ins and streak, journal moods and entries, with the request for a short review and a focus for next week.",
  arguments: [
    { name: "weekEnding", description: "The last day of the week to review, YYYY-MM-DD; default today (UTC)" },
    spaceArgument
  ],
  input: Schema.Struct({ weekEnding: Schema.optional(DayInput), space: Schema.optional(SpaceInput) }),
  build: (args, context) =>
    Effect.gen(function*() {
      const to = args.weekEnding ?? context.today
      const from = addDays(to, -6)
      const start = instantOf(`${from}T00:00:00Z`)
      const end = instantOf(`${addDays(to, 1)}T00:00:00Z`)
      const { tasks } = yield* readAs(context, name, "todo.list", { includeCompleted: true, limit: 500 }, Tasks)
      const completed = tasks
        .filter((task) => {
          const at = instantOf(task.completedAt)
          return at >= start && at < end
        })
        .map(({ completedAt, title }) => ({ title, completedAt }))
      const { habits, logs } = yield* readAs(context, name, "habits.logs", { from, to, limit: 200 }, Habits)
      const habitRows = habits.map((habit) => ({
        title: habit.title,
        checkInsThisWeek: logs.filter((log) => log.habitId === habit.habitId).reduce((sum, log) => sum + log.count, 0),
        dailyTarget: habit.today.target,
        currentStreak: habit.currentStreak
      }))
      const journal = yield* readAs(context, name, "journal.list", { from, to, limit: 50 }, Entries)
      const moods: Record<string, number> = {}
      for (const entry of journal.entries) if (entry.mood !== null) moods[entry.mood] = (moods[entry.mood] ?? 0) + 1
      return [
        `Help me review my week from ${from} to ${to} in my Mana space "${context.spaceName}".`,
        dataBlock("Tasks completed this week", completed),
        dataBlock("Habits (check-ins this week, daily target, current streak in days)", habitRows),
        dataBlock("Journal moods this week (mood: entries)", moods),
        dataBlock(
          `Journal entries this week${
            journal.total > journal.entries.length ? ` (the newest ${journal.entries.length} of ${journal.total})` : ""
          }`,
          journal.entries.map(({ contentPreview, entryDate, mood, title }) => ({
            entryDate,
            title,
            mood,
            contentPreview
          }))
        ),
        "Write a short weekly review: what got done, which habits held and which slipped, how the week felt. " +
        "End with two or three concrete focuses for next week."
      ].join("\n\n")
    })
})
