/**
 * `todo.update`: changes a task's title, description, priority, due date or subtasks. Only the
 * given fields are pushed (each with its own `at`, plus `updatedAt`); title, description and
 * subtasks are encrypted before they leave. Subtasks are replaced as a whole list: an item that
 * names the id of an existing subtask keeps that id (and its completion time when still
 * completed), every other item gets a fresh id. Returns the updated task.
 */
import { DateTime, Effect, Schema } from "effect"
import { Ids } from "../../domain/Ids.ts"
import { DateTimeInput } from "../kit/fields/dates.ts"
import { flagOffByDefault, orNull, recordId, text, title } from "../kit/fields/index.ts"
import { definedFields, pushUpdate } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { loadTask } from "./loadTask.ts"
import { Priority, type Subtask, Task, TaskId, taskKind, tasksTable } from "./Task.ts"

const SubtaskInput = Schema.Struct({
  id: Schema.optionalWith(recordId("Keep this existing subtask's id; omit for a new one"), { exact: true }),
  title: title(500, "The subtask (1–500 characters)"),
  isCompleted: flagOffByDefault("Done already; default false")
})

const Input = Schema.Struct({
  id: TaskId,
  title: Schema.optionalWith(title(500, "New title (1–500 characters)"), { exact: true }),
  description: Schema.optionalWith(
    orNull(
      text({ min: 0, max: 10_000, multiline: true, description: "New details" }),
      "New details (at most 10000 characters), or null to remove them"
    ),
    { exact: true }
  ),
  priority: Schema.optional(Priority.annotations({ description: "low, medium, high or urgent" })),
  dueDate: Schema.optional(
    Schema.NullOr(DateTimeInput).annotations({
      description:
        "New due date and time, RFC 3339 with an offset (e.g. 2026-05-01T17:00:00+02:00; stored in UTC), or null to remove it"
    })
  ),
  subtasks: Schema.optional(
    Schema.NullOr(Schema.Array(SubtaskInput).pipe(Schema.maxItems(100))).annotations({
      description:
        "The complete new subtask list (at most 100), in order; replaces the old list. Pass the ids from todo.get to keep existing subtasks; null removes all"
    })
  )
})

const Output = Schema.Struct({ task: Task })

export const update = defineTool({
  name: "todo.update",
  title: "Update task",
  description:
    "Changes fields of one task in the user's active space: any of title, description (null removes it), priority, dueDate (RFC 3339 with offset, stored in UTC; null removes it) and subtasks (the whole list, replacing the old one; keep ids from todo.get for unchanged items). Fields you leave out keep their values. Returns { task }: the task after the change, decrypted. To complete or reopen use todo.complete / todo.reopen. Fails with RecordNotFound if the id is not a live task of the active space.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  encryptedFields: tasksTable,
  handler: ({ id, subtasks, ...changes }) =>
    Effect.gen(function*() {
      const { key, task } = yield* loadTask(id)
      const now = DateTime.formatIso(yield* DateTime.now)
      const fields = definedFields(changes)
      const previous = new Map((task.subtasks ?? []).map((subtask) => [subtask.id, subtask]))
      const newSubtasks = subtasks === undefined || subtasks === null ? subtasks : yield* Effect.forEach(
        subtasks,
        (item, order) =>
          Effect.gen(function*() {
            const kept = item.id === undefined ? undefined : previous.get(item.id)
            const completedAt = !item.isCompleted ? null : kept?.isCompleted === true ? kept.completedAt ?? now : now
            const subtask: Subtask = {
              id: kept?.id ?? (yield* Effect.flatMap(Ids, (ids) => ids.uuid)),
              title: item.title,
              isCompleted: item.isCompleted,
              completedAt,
              order
            }
            return subtask
          })
      )
      if (newSubtasks !== undefined) fields["subtasks"] = newSubtasks
      if (Object.keys(fields).length === 0) return { task }
      fields["updatedAt"] = now
      yield* pushUpdate(taskKind, key, id, fields)
      // The stored record's view of "no description" is an absent field.
      const { description: _old, ...rest } = task
      const description = "description" in fields ? fields["description"] : task.description
      const updated: Task = {
        ...rest,
        ...(typeof description === "string" ? { description } : {}),
        ...(changes.title === undefined ? {} : { title: changes.title }),
        ...(changes.priority === undefined ? {} : { priority: changes.priority }),
        ...(changes.dueDate === undefined ? {} : { dueDate: changes.dueDate }),
        ...(newSubtasks === undefined ? {} : { subtasks: newSubtasks }),
        updatedAt: now
      }
      return { task: updated }
    })
})
