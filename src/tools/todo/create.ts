/**
 * `todo.create`: adds a task to the active space. The title, description, subtasks and metadata
 * are encrypted with the caller's master key before they leave the gateway; `order` puts the task
 * after every live task in the space (max + 1, docs/upstreams.md §4).
 */
import { Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { createEncrypted, type EncryptedCreate } from "../kit/encryptedInsert.ts"
import { DateTimeInput } from "../kit/fields/dates.ts"
import { text, title } from "../kit/fields/index.ts"
import { nextOrder } from "../kit/recordOrder.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Priority, Task, tasksTable, todoApp } from "./Task.ts"

const Input = Schema.Struct({
  title: title(500, "What needs doing (1–500 characters)"),
  description: Schema.optionalWith(
    text({ min: 0, max: 10_000, multiline: true, description: "Optional details (at most 10000 characters)" }),
    { exact: true }
  ),
  priority: Schema.optionalWith(Priority.annotations({ description: "low, medium, high or urgent; default medium" }), {
    default: () => "medium" as const
  }),
  dueDate: Schema.optionalWith(
    Schema.NullOr(DateTimeInput).annotations({
      description:
        "Due date and time, RFC 3339 with an offset (e.g. 2026-05-01T17:00:00+02:00 or 2026-05-01T15:00:00Z; stored in UTC); null or omitted for none"
    }),
    { default: () => null }
  )
})

const Output = Schema.Struct({ task: Task })

const withTableLock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    Effect.all([SyncClient, Caller]),
    ([sync, caller]) => sync.exclusive(caller, todoApp, tasksTable.table)(effect)
  )

export const create = defineTool({
  name: "todo.create",
  title: "Create task",
  description:
    "Creates a task in the user's active space, placed after the existing tasks. Returns { task } with the new task's id. Title 1–500 characters, description up to 10000, priority low|medium|high|urgent (default medium), optional due date (RFC 3339 with offset, stored in UTC). Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  encryptedFields: tasksTable,
  handler: (input): EncryptedCreate<typeof Output.Type> =>
    // Place and push under the table's lock: concurrent creates get distinct, increasing orders.
    // Inside it, the key is fetched first: a zero-knowledge user fails before mana-sync is touched.
    withTableLock(createEncrypted(todoApp, tasksTable, ({ id, now }) =>
      Effect.gen(function*() {
        const existing = yield* (yield* SyncClient).read(yield* Caller, todoApp, tasksTable.table)
        const task: Task = {
          id,
          title: input.title,
          ...(input.description === undefined ? {} : { description: input.description }),
          priority: input.priority,
          isCompleted: false,
          completedAt: null,
          dueDate: input.dueDate,
          order: nextOrder(existing.map((record) => record.data["order"])),
          subtasks: null,
          createdAt: now,
          updatedAt: now
        }
        return task
      }))).pipe(Effect.map((task) => ({ task })))
})
