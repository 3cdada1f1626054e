/**
 * `todo.completeMany`: marks up to 50 tasks done in one call and one push. Each id is checked on
 * its own (a live task of the active space); one already completed is reported unchanged. Only
 * plaintext fields change, so zero-knowledge users can use it too. `dryRun` writes nothing.
 */
import { DateTime, Effect, Schema } from "effect"
import { dryRunField, idsField, maxBulkItems } from "../kit/bulk/bulkFields.ts"
import { BulkResult } from "../kit/bulk/BulkResult.ts"
import { overIds } from "../kit/bulk/overIds.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { taskKind, tasksTable } from "./Task.ts"

const Input = Schema.Struct({
  ids: idsField(`The ids of the tasks to complete (1–${maxBulkItems}), from todo.list`),
  dryRun: dryRunField
})

export const completeMany = defineTool({
  name: "todo.completeMany",
  title: "Complete tasks",
  description:
    `Marks up to ${maxBulkItems} tasks of the user's active space as completed in one call. ids: task ids from todo.list. Each id is checked on its own: one that is not a live task is refused with the reason, one already completed is reported unchanged, the rest are completed. dryRun: true answers what would change without writing. Returns { dryRun, done, unchanged, refused, results, message } with one entry per id, in order (status done / wouldBeDone / unchanged / refused, title, updatedAt or error).`,
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: BulkResult,
  handler: ({ dryRun, ids }) =>
    Effect.flatMap(DateTime.now, (time) => {
      const now = DateTime.formatIso(time)
      return overIds(taskKind, ids, dryRun, "completed", (record) =>
        record.data["isCompleted"] === true
          ? { status: "unchanged" }
          : {
            status: "done",
            change: {
              op: "update",
              table: tasksTable.table,
              id: record.id,
              fields: { isCompleted: true, completedAt: now, updatedAt: now }
            }
          })
    })
})
