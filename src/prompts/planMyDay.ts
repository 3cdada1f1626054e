/**
 * `plan-my-day`: open tasks due on the day or overdue (by due date, then priority) and the day's
 * habits with their progress, with the ask to plan the day from them.
 */
import { Effect, Schema } from "effect"
import { instantOf } from "../sync/SyncWire.ts"
import { addDays } from "../tools/kit/fields/dates.ts"
import { definePrompt } from "./definePrompt.ts"
import { DayInput, spaceArgument, SpaceInput } from "./promptArguments.ts"
import { dataBlock, readAs } from "./readAs.ts"

const name = "plan-my-day"

const Task = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  priority: Schema.String,
  dueDate: Schema.NullOr(Schema.String)
})
const Tasks = Schema.Struct({ tasks: Schema.Array(Task), total: Schema.Number })
const Habits = Schema.Struct({
  habits: Schema.Array(Schema.Struct({
    habitId: Schema.String,
    title: Schema.String,
    today: Schema.Struct({ count: Schema.Number, target: Schema.Number }),
    currentStreak: Schema.Number
  })),
  logs: Schema.Array(Schema.Struct({ habitId: Schema.String, date: Schema.String, count: Schema.Number }))
})

const priorityRank: Readonly<Record<string, number>> = { urgent: 0, high: 1, medium: 2, low: 3 }
const rankOf = (priority: string) => priorityRank[priority] ?? 2

export const planMyDay = definePrompt({
  name,
  title: "Plan my day",
  description:
    "Open tasks due on the day or overdue (earliest due first, then by priority) and the day's habits with their progress, with the request to plan the day from them.",
  arguments: [{ name: "date", description: "The day to plan, YYYY-MM-DD; default today (UTC)" }, spaceArgument],
  input: Schema.Struct({ date: Schema.optional(DayInput), space: Schema.optional(SpaceInput) }),
  build: (args, context) =>
    Effect.gen(function*() {
      const day = args.date ?? context.today
      const { tasks, total } = yield* readAs(context, name, "todo.list", {
        dueBefore: `${addDays(day, 1)}T00:00:00Z`,
        limit: 100
      }, Tasks)
      const ordered = [...tasks].sort((a, b) =>
        instantOf(a.dueDate) - instantOf(b.dueDate) || rankOf(a.priority) - rankOf(b.priority)
      )
      const { habits, logs } = yield* readAs(context, name, "habits.logs", { from: day, to: day, limit: 200 }, Habits)
      const done = (habitId: string, todayCount: number) =>
        day === context.today
          ? todayCount
          : logs.filter((log) => log.habitId === habitId && log.date === day).reduce((sum, log) => sum + log.count, 0)
      const habitRows = habits.map((habit) => ({
        title: habit.title,
        done: done(habit.habitId, habit.today.count),
        target: habit.today.target,
        streak: habit.currentStreak
      }))
      return [
        `Help me plan ${day === context.today ? "today" : "the day"} (${day}) in my Mana space "${context.spaceName}".`,
        `These are my open tasks due on that day or overdue${
          total > tasks.length ? ` (the first ${tasks.length} of ${total})` : ""
        }, earliest due first, then by priority:`,
        dataBlock("Tasks", ordered.map(({ dueDate, id, priority, title }) => ({ id, title, dueDate, priority }))),
        "These are my habits and how far I am with each on that day (done of target, current streak in days):",
        dataBlock("Habits", habitRows),
        "Suggest a realistic order for the day: overdue and urgent tasks first, habits still open fitted in. " +
        "Keep it short. When I say I finished something, record it with todo.complete or habits.log."
      ].join("\n\n")
    })
})
