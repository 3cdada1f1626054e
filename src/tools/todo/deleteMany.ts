/**
 * `todo.deleteMany`: moves up to 50 tasks to the trash in one call, with one confirmation. The
 * shared shape is `makeDeleteManyTool`.
 */
import { makeDeleteManyTool } from "../kit/bulk/deleteMany.ts"
import { taskKind } from "./Task.ts"

export const deleteMany = makeDeleteManyTool(taskKind, { name: "todo.deleteMany", title: "Delete tasks" })
