/**
 * `todo.create`: adds a task to the active space. The title, description, subtasks and metadata
 * are encrypted with the caller's master key before they leave the gateway; `order` puts the task
 * after every live task in the space (max + 1, docs/upstreams.md §4). With an `idempotencyKey` a
 * retry returns the first answer and the task's id is derived from the key.
 */
import { Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { createEncrypted, type EncryptedCreate } from "../kit/encryptedInsert.ts"
import { idempotent, optionalKey, retrySafe } from "../kit/idempotent/withIdempotencyKey.ts"
import { nextOrder } from "../kit/recordOrder.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { buildTask, type NewTask, NewTaskFields } from "./newTask.ts"
import { Task, tasksTable, todoApp } from "./Task.ts"

const Input = Schema.Struct({ ...NewTaskFields, idempotencyKey: optionalKey })

const Output = Schema.Struct({ task: Task })

/** Runs `effect` while no other create of the caller's task table runs (see `SyncClient.exclusive`). */
export const withTaskTableLock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    Effect.all([SyncClient, Caller]),
    ([sync, caller]) => sync.exclusive(caller, todoApp, tasksTable.table)(effect)
  )

const createTask = (input: NewTask): EncryptedCreate<typeof Output.Type> =>
  // Place and push under the table's lock: concurrent creates get distinct, increasing orders.
  // Inside it, the key is fetched first: a zero-knowledge user fails before mana-sync is touched.
  withTaskTableLock(createEncrypted(todoApp, tasksTable, ({ id, now }) =>
    Effect.gen(function*() {
      const existing = yield* (yield* SyncClient).read(yield* Caller, todoApp, tasksTable.table)
      return buildTask(input, id, now, nextOrder(existing.map((record) => record.data["order"])))
    }))).pipe(Effect.map((task) => ({ task })))

export const create = defineTool({
  name: "todo.create",
  title: "Create task",
  description:
    `Creates a task in the user's active space, placed after the existing tasks. Returns { task } with the new task's id and updatedAt. Title 1–500 characters, description up to 10000, priority low|medium|high|urgent (default medium), optional due date (RFC 3339 with offset, or YYYY-MM-DD for the start of that day; stored in UTC). To create several tasks at once use todo.createMany. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.${retrySafe}`,
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  encryptedFields: tasksTable,
  handler: ({ idempotencyKey, ...input }) => idempotent(idempotencyKey, input, Output, createTask(input))
})
