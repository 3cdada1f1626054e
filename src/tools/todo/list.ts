/**
 * `todo.list`: the active space's tasks, decrypted, in the web app's order (by `order`, then by
 * creation time). Completed tasks are left out unless asked for. A task that cannot be decrypted
 * is reported by id in `unreadable` instead of failing the whole list.
 */
import { Effect, Option, Schema } from "effect"
import { type Caller } from "../../domain/Caller.ts"
import type { Crypto } from "../../keys/Crypto.ts"
import { type MasterKeys } from "../../keys/MasterKeys.ts"
import type { MasterKeyError } from "../../keys/VaultErrors.ts"
import { type SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import { readDecrypted, UnreadableRecord } from "../decryptRecords.ts"
import { memoByIdentity } from "../memoByIdentity.ts"
import { byPosition } from "../recordOrder.ts"
import { defineTool } from "../ToolSpec.ts"
import { readTask, Task, tasksTable, todoApp } from "./Task.ts"

const Input = Schema.Struct({
  includeCompleted: Schema.optionalWith(
    Schema.Boolean.annotations({ description: "Also return completed tasks; default false" }),
    { default: () => false }
  ),
  limit: Schema.optionalWith(
    Schema.Int.pipe(Schema.between(1, 500)).annotations({
      description: "Maximum number of tasks to return (1–500); default 50"
    }),
    { default: () => 50 }
  )
})

const Output = Schema.Struct({ tasks: Schema.Array(Task), unreadable: Schema.Array(UnreadableRecord) })

// Decoded once per decrypted record: the Crypto memo returns the same object while it is unchanged.
const taskOf = memoByIdentity((data: Readonly<Record<string, unknown>>, id: string) => readTask(id, data))

export const list = defineTool({
  name: "todo.list",
  title: "List tasks",
  description:
    "Lists the tasks in the user's active space, decrypted, ordered as in the Mana app (by position, then creation time). Returns { tasks, unreadable }: at most `limit` tasks (default 50, max 500), open tasks only unless includeCompleted is true; `unreadable` lists ids of tasks that could not be decrypted. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.",
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  encryptedFields: tasksTable,
  handler: (
    input
  ): Effect.Effect<typeof Output.Type, SyncError | MasterKeyError, Caller | SyncClient | MasterKeys | Crypto> =>
    Effect.gen(function*() {
      const { readable, unreadable } = yield* readDecrypted(
        todoApp,
        tasksTable,
        (data) => input.includeCompleted || data["isCompleted"] !== true
      )
      const tasks = readable
        .flatMap((record) => Option.toArray(taskOf(record.data, record.id)))
        .sort(byPosition)
        .slice(0, input.limit)
      return { tasks, unreadable }
    })
})
