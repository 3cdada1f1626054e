/**
 * `todo.get`: one task of the active space, whole and decrypted (description, subtasks and
 * metadata included), for when a list preview is not enough.
 */
import { Effect, Schema } from "effect"
import { defineTool } from "../kit/ToolSpec.ts"
import { loadTask } from "./loadTask.ts"
import { Task, TaskId, tasksTable } from "./Task.ts"

const Output = Schema.Struct({ task: Task })

export const get = defineTool({
  name: "todo.get",
  title: "Get task",
  description:
    "Returns one task of the user's active space with everything decrypted: title, full description, priority, due date, subtasks, completion. Returns { task }. Fails with RecordNotFound if the id is not a live task of the active space (use todo.list), or RecordUnreadable if another member of a shared space wrote it with their own key.",
  scope: "user-space",
  policyHint: "read",
  input: Schema.Struct({ id: TaskId }),
  output: Output,
  encryptedFields: tasksTable,
  handler: ({ id }) => Effect.map(loadTask(id), ({ task }) => ({ task }))
})
