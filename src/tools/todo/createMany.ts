/**
 * `todo.createMany`: up to 50 tasks in one call and one push. Each item is what `todo.create`
 * takes and is checked on its own: bad items are refused with their reason, the others are
 * created (placed after the existing tasks, in the order sent). `dryRun` checks and answers
 * without writing. With an `idempotencyKey` a retry returns the first answer, and each task's id
 * is derived from the key and its position, so even an unanswered retry creates nothing twice.
 */
import { DateTime, Effect, Either, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { Crypto } from "../../keys/Crypto.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { dryRunField, itemsField, maxBulkItems } from "../kit/bulk/bulkFields.ts"
import { BulkResult, bulkResult, type ItemResult, refusedItem } from "../kit/bulk/BulkResult.ts"
import { decodeItem } from "../kit/bulk/decodeItems.ts"
import { newRecordId } from "../kit/idempotent/derivedRecordId.ts"
import { idempotent, optionalKey, retrySafe } from "../kit/idempotent/withIdempotencyKey.ts"
import { pushChanges } from "../kit/pushChanges.ts"
import { nextOrder } from "../kit/recordOrder.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { withTaskTableLock } from "./create.ts"
import { buildTask, NewTask } from "./newTask.ts"
import { tasksTable, todoApp } from "./Task.ts"

const Input = Schema.Struct({
  items: itemsField(
    NewTask,
    `The tasks to create (1–${maxBulkItems}), each as todo.create takes it: { title, description?, priority?, dueDate? }`
  ),
  dryRun: dryRunField,
  idempotencyKey: optionalKey
})

const checkItem = decodeItem(NewTask)

const createTasks = ({ dryRun, items }: Omit<typeof Input.Type, "idempotencyKey">) =>
  withTaskTableLock(Effect.gen(function*() {
    const caller = yield* Caller
    // The key first: a zero-knowledge user fails before mana-sync is touched, dry run or not.
    const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
    const checked = items.map(checkItem)
    const existing = yield* (yield* SyncClient).read(caller, todoApp, tasksTable.table)
    const firstOrder = nextOrder(existing.map((record) => record.data["order"]))
    const now = DateTime.formatIso(yield* DateTime.now)
    const crypto = yield* Crypto
    const inserts: Array<{ op: "insert"; table: string; id: string; data: Record<string, unknown> }> = []
    const results: Array<ItemResult> = []
    let placed = 0
    for (const [index, item] of checked.entries()) {
      if (Either.isLeft(item)) {
        results.push(refusedItem(index, item.left))
        continue
      }
      const task = buildTask(item.right, yield* newRecordId(index), now, firstOrder + placed)
      placed += 1
      if (!dryRun) {
        const data = yield* crypto.encryptFields(key, task, tasksTable.fields)
        inserts.push({ op: "insert", table: tasksTable.table, id: task.id, data })
      }
      results.push({
        index,
        status: dryRun ? "wouldBeDone" : "done",
        ...(dryRun ? {} : { id: task.id, updatedAt: now }),
        title: task.title
      })
    }
    if (!dryRun && inserts.length > 0) yield* pushChanges(todoApp, inserts)
    return bulkResult(results, dryRun, "created")
  }))

export const createMany = defineTool({
  name: "todo.createMany",
  title: "Create tasks",
  description:
    `Creates up to ${maxBulkItems} tasks in the user's active space in one call, placed after the existing tasks in the order sent. items: each what todo.create takes ({ title, description?, priority?, dueDate? }). Every item is checked on its own: invalid ones are refused with the reason and the rest are created (partial success). dryRun: true checks everything and answers what would be created without writing. Returns { dryRun, done, unchanged, refused, results, message }: results has one entry per item, in order, with status done / wouldBeDone / refused, the new id, title and updatedAt, or the error. Fails as a whole only if the user's data is end-to-end encrypted (zero-knowledge) or their vault is not set up.${retrySafe}`,
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: BulkResult,
  encryptedFields: tasksTable,
  // A dry run writes nothing, so it neither uses up nor replays the key.
  handler: ({ idempotencyKey, ...input }) =>
    idempotent(input.dryRun ? undefined : idempotencyKey, input, BulkResult, createTasks(input))
})
