/**
 * `todo.reopen`: marks a completed task open again (`isCompleted: false`, `completedAt: null`,
 * plus `updatedAt`). Idempotent: reopening an open task writes nothing. Returns the task.
 */
import { DateTime, Effect, Schema } from "effect"
import { pushUpdate } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { loadTask } from "./loadTask.ts"
import { Task, TaskId, taskKind, tasksTable } from "./Task.ts"

export const reopen = defineTool({
  name: "todo.reopen",
  title: "Reopen task",
  description:
    "Marks a completed task of the user's active space as not completed again. Returns { task }, decrypted. Idempotent: reopening an open task changes nothing. Fails with RecordNotFound if the id is not a live task of the active space (completed tasks are listed by todo.list with includeCompleted: true).",
  scope: "user-space",
  policyHint: "write",
  input: Schema.Struct({ id: TaskId }),
  output: Schema.Struct({ task: Task }),
  encryptedFields: tasksTable,
  handler: ({ id }) =>
    Effect.gen(function*() {
      const { task } = yield* loadTask(id)
      if (!task.isCompleted) return { task }
      const now = DateTime.formatIso(yield* DateTime.now)
      yield* pushUpdate(taskKind, undefined, id, {
        isCompleted: false,
        completedAt: null,
        updatedAt: now
      })
      return { task: { ...task, isCompleted: false, completedAt: null, updatedAt: now } }
    })
})
