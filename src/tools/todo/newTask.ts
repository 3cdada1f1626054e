/**
 * What a new task is, for `todo.create` and `todo.createMany`: the create input's fields (one
 * schema, so a bulk item accepts exactly what `todo.create` does) and the plaintext record built
 * from it. No I/O here.
 */
import { Schema } from "effect"
import { DateTimeInput } from "../kit/fields/dates.ts"
import { text, title } from "../kit/fields/index.ts"
import { Priority, type Task } from "./Task.ts"

export const NewTaskFields = {
  title: title(500, "What needs doing (1–500 characters)"),
  description: Schema.optionalWith(
    text({ min: 0, max: 10_000, multiline: true, description: "Optional details (at most 10000 characters)" }),
    { exact: true }
  ),
  priority: Schema.optionalWith(Priority.annotations({ description: "low, medium, high or urgent; default medium" }), {
    default: () => "medium" as const
  }),
  dueDate: Schema.optionalWith(
    Schema.NullOr(DateTimeInput).annotations({
      description:
        "Due date and time, RFC 3339 with an offset (e.g. 2026-05-01T17:00:00+02:00 or 2026-05-01T15:00:00Z; stored in UTC), or a date YYYY-MM-DD (the start of that day, UTC); null or omitted for none"
    }),
    { default: () => null }
  )
}

export const NewTask = Schema.Struct(NewTaskFields)
export type NewTask = typeof NewTask.Type

export const buildTask = (input: NewTask, id: string, now: string, order: number): Task => ({
  id,
  title: input.title,
  ...(input.description === undefined ? {} : { description: input.description }),
  priority: input.priority,
  isCompleted: false,
  completedAt: null,
  dueDate: input.dueDate,
  order,
  subtasks: null,
  createdAt: now,
  updatedAt: now
})
