/**
 * The todo module's data: the `tasks` record as tools return it (plaintext), the lenient reading
 * of stored records written by the web app (missing flags get their defaults, unknown fields are
 * dropped from output) and the encrypted-field registry entry (docs/upstreams.md §4.2, §4.5). No I/O here.
 */
import { type Option, Schema } from "effect"
import { oneOf, recordId } from "../kit/fields/index.ts"
import { type RecordKind, titleLabel } from "../kit/RecordKind.ts"
import { lengthOf, PreviewLength, previewOf } from "../kit/textPreview.ts"

export const todoApp = "todo"
export const tasksTable = { table: "tasks", fields: ["title", "description", "subtasks", "metadata"] } as const

export const taskKind: RecordKind = {
  module: "todo",
  app: todoApp,
  table: tasksTable,
  noun: "task",
  listTool: "todo.list",
  labelOf: titleLabel
}

export const TaskId = recordId("The task's id (a UUID from todo.list or todo.create)")

export const Priority = oneOf("low", "medium", "high", "urgent")

export const Subtask = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  isCompleted: Schema.Boolean,
  completedAt: Schema.optional(Schema.NullOr(Schema.String)),
  order: Schema.Number
})
export type Subtask = typeof Subtask.Type

export const Task = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  description: Schema.optional(Schema.String),
  priority: Priority,
  isCompleted: Schema.Boolean,
  completedAt: Schema.NullOr(Schema.String),
  dueDate: Schema.NullOr(Schema.String),
  order: Schema.Number,
  subtasks: Schema.NullOr(Schema.Array(Subtask)),
  metadata: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String)
}).annotations({ identifier: "Task", description: "A task, decrypted" })
export type Task = typeof Task.Type

/** A task in list results: the description cut to a preview, with its full length. */
// The full task minus its description (replaced by a preview) and metadata, in the same order.
const { description: _description, id: taskId, metadata: _metadata, title: taskTitle, ...taskRest } = Task.fields
export const TaskSummary = Schema.Struct({
  id: taskId,
  title: taskTitle,
  descriptionPreview: Schema.optional(Schema.String),
  descriptionLength: Schema.optional(PreviewLength),
  ...taskRest
}).annotations({ identifier: "TaskSummary", description: "A task, decrypted; call todo.get for the full description" })
export type TaskSummary = typeof TaskSummary.Type

export const summarizeTask = ({ description, metadata: _metadata, ...rest }: Task): TaskSummary => ({
  ...rest,
  ...(description === undefined
    ? {}
    : { descriptionPreview: previewOf(description), descriptionLength: lengthOf(description) })
})

// Web-app rows often lack flags and timestamps; a row without a string title is a partial
// record (an update whose insert we never saw) and is skipped, per docs/upstreams.md §3.7.
const StoredTask = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  description: Schema.optionalWith(Schema.String, { nullable: true }),
  priority: Schema.optionalWith(Priority, { nullable: true, default: () => "medium" as const }),
  isCompleted: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  completedAt: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  dueDate: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  order: Schema.optionalWith(Schema.Number, { nullable: true, default: () => 0 }),
  subtasks: Schema.optionalWith(Schema.NullOr(Schema.Array(Subtask)), { default: () => null }),
  metadata: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.Unknown }), { nullable: true }),
  createdAt: Schema.optionalWith(Schema.String, { nullable: true }),
  updatedAt: Schema.optionalWith(Schema.String, { nullable: true })
})

/** A decrypted stored record as a `Task`, or `None` when it lacks required fields. */
export const readTask = (id: string, data: Readonly<Record<string, unknown>>): Option.Option<Task> =>
  Schema.decodeUnknownOption(StoredTask)({ ...data, id })
