/**
 * `todo.delete`: moves a task to the trash (soft delete). Destructive: the user confirms first
 * in enforce mode. The shared shape is `makeDeleteTool`.
 */
import { makeDeleteTool } from "../kit/deleteTool.ts"
import { taskKind } from "./Task.ts"

export const deleteTask = makeDeleteTool(taskKind, {
  name: "todo.delete",
  title: "Delete task",
  idDescription: "The task's id (a UUID from todo.list)",
  extra: "To mark a task done instead, use todo.complete. "
})
