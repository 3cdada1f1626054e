/**
 * `todo.complete`: marks a task done. Only plaintext fields change (`isCompleted`, `completedAt`,
 * `updatedAt`), so it needs no master key and works for zero-knowledge users too. The id must be a
 * live task in the active space, so an unknown id never creates a ghost record on other devices
 * (docs/upstreams.md §4). Completing a completed task changes nothing and succeeds.
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import type { CurrentTool } from "../kit/CurrentTool.ts"
import { recordId } from "../kit/fields/index.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { type RecordNotFound, requireRecord } from "../kit/RecordNotFound.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { tasksTable, todoApp } from "./Task.ts"

const Input = Schema.Struct({
  id: recordId("The task's id (a UUID from todo.list or todo.create)")
})

const Output = Schema.Struct({ ok: Schema.Literal(true) })

export const complete = defineTool({
  name: "todo.complete",
  title: "Complete task",
  description:
    "Marks one task in the user's active space as completed. Returns { ok: true }. Idempotent: completing an already completed task succeeds without changing it. Fails with RecordNotFound if the id is not a task in the active space. Works for every user, including zero-knowledge ones.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  handler: (input): Effect.Effect<typeof Output.Type, SyncError | RecordNotFound, Caller | SyncClient | CurrentTool> =>
    Effect.gen(function*() {
      const records = yield* (yield* SyncClient).read(yield* Caller, todoApp, tasksTable.table)
      const task = yield* requireRecord(records, input.id, { kind: "task", listTool: "todo.list" })
      if (task.data["isCompleted"] !== true) {
        const now = DateTime.formatIso(yield* DateTime.now)
        yield* pushChanges(todoApp, [{
          op: "update",
          table: tasksTable.table,
          id: input.id,
          fields: { isCompleted: true, completedAt: now, updatedAt: now }
        }])
      }
      return { ok: true as const }
    })
})
