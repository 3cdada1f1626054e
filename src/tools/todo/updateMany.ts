/**
 * `todo.updateMany`: changes the due date and/or priority of up to 50 tasks in one call and one
 * push (plaintext fields: zero-knowledge users can use it too). Each item is checked on its own —
 * its shape, a live task, sent once, and its own `ifUnchangedSince` guard — and refused alone.
 * `dryRun` writes nothing.
 */
import { DateTime, Effect, Either, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { type OutgoingChange, SyncClient } from "../../sync/SyncClient.ts"
import { dryRunField, itemsField, maxBulkItems } from "../kit/bulk/bulkFields.ts"
import { BulkResult, bulkResult, type ItemResult, refusedItem } from "../kit/bulk/BulkResult.ts"
import { decodeItem } from "../kit/bulk/decodeItems.ts"
import { DateTimeInput } from "../kit/fields/dates.ts"
import { checkUnchanged, optionalGuard, pickFields } from "../kit/guard/ifUnchangedSince.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { labelWith, optionalKey } from "../kit/recordLabel.ts"
import { RecordNotFound } from "../kit/RecordNotFound.ts"
import { definedFields } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Priority, TaskId, taskKind, tasksTable, todoApp } from "./Task.ts"

const Item = Schema.Struct({
  id: TaskId,
  priority: Schema.optional(Priority.annotations({ description: "low, medium, high or urgent" })),
  dueDate: Schema.optional(
    Schema.NullOr(DateTimeInput).annotations({
      description: "New due date and time, RFC 3339 with an offset (stored in UTC), or null to remove it"
    })
  ),
  ifUnchangedSince: optionalGuard
})

const Input = Schema.Struct({
  items: itemsField(
    Item,
    `The changes (1–${maxBulkItems}), one per task: { id, priority?, dueDate?, ifUnchangedSince? }`
  ),
  dryRun: dryRunField
})

const checkItem = decodeItem(Item)
const guarded = { kind: "task", updateTool: "todo.updateMany", getTool: "todo.get" }

export const updateMany = defineTool({
  name: "todo.updateMany",
  title: "Update tasks",
  description:
    `Changes the priority and/or due date of up to ${maxBulkItems} tasks of the user's active space in one call. items: { id, priority? (low|medium|high|urgent), dueDate? (RFC 3339 with offset, or null to remove), ifUnchangedSince? }. Each item is checked on its own: an invalid one, an id that is not a live task, or a task changed after its ifUnchangedSince is refused with the reason (the latter with the current values); the rest are written in one go. Fields left out keep their values. dryRun: true answers what would change without writing. Returns { dryRun, done, unchanged, refused, results, message } with one entry per item, in order. For titles, descriptions or subtasks use todo.update.`,
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: BulkResult,
  handler: ({ dryRun, items }) =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const records = yield* (yield* SyncClient).read(caller, todoApp, tasksTable.table)
      const byId = new Map(records.map((record) => [record.id, record]))
      const key = yield* optionalKey
      const now = DateTime.formatIso(yield* DateTime.now)
      const seen = new Set<string>()
      const changes: Array<OutgoingChange> = []
      const results: Array<ItemResult> = []
      for (const [index, checked] of items.map(checkItem).entries()) {
        if (Either.isLeft(checked)) {
          results.push(refusedItem(index, checked.left))
          continue
        }
        const { id, ifUnchangedSince, ...change } = checked.right
        const record = byId.get(id)
        if (record === undefined || seen.has(id)) {
          const reason = record === undefined
            ? new RecordNotFound({ kind: "task", id, listTool: "todo.list" }).message
            : `Task ${id} is listed twice in this call; only its first item is applied`
          results.push(refusedItem(index, reason, id))
          continue
        }
        seen.add(id)
        const fields = definedFields(change)
        const stale = yield* Effect.either(
          checkUnchanged(guarded, record, ifUnchangedSince, pickFields(record.data, Object.keys(fields)))
        )
        if (Either.isLeft(stale)) {
          results.push(refusedItem(index, stale.left.message, id))
          continue
        }
        const title = yield* labelWith(taskKind, key, record)
        const same = Object.entries(fields).every(([field, value]) => record.data[field] === value)
        if (same) {
          results.push({ index, status: "unchanged", id, title })
          continue
        }
        changes.push({ op: "update", table: tasksTable.table, id, fields: { ...fields, updatedAt: now } })
        results.push({ index, status: dryRun ? "wouldBeDone" : "done", id, title })
      }
      const at = !dryRun && changes.length > 0 ? yield* pushChanges(todoApp, changes) : undefined
      const stamped = at === undefined
        ? results
        : results.map((result) => result.status === "done" ? { ...result, updatedAt: at } : result)
      return bulkResult(stamped, dryRun, "updated")
    })
})
