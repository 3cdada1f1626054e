/**
 * `todo.list`: the active space's tasks, decrypted, in the web app's order (by `order`, then by
 * creation time), filtered and paged. Plaintext filters (completion, priority, due dates) run
 * before decryption; the text query runs over the decrypted title and description. Descriptions
 * come as previews (`todo.get` has the whole task). A task that cannot be decrypted is reported
 * in `unreadable` instead of failing the whole list.
 */
import { Effect, Option, Schema } from "effect"
import { instantOf } from "../../sync/SyncWire.ts"
import { DecryptedPageInfo, rememberDecryptedDerivation } from "../kit/decryptRecords.ts"
import { DateTimeInput } from "../kit/fields/dates.ts"
import { flagOffByDefault, text } from "../kit/fields/index.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
import { pageFields, paginate } from "../kit/paging.ts"
import { byPosition } from "../kit/recordOrder.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Priority, readTask, summarizeTask, tasksTable, TaskSummary, todoApp } from "./Task.ts"

const defaultPage = 50
const maxPage = 500

const Input = Schema.Struct({
  includeCompleted: flagOffByDefault("Also return completed tasks; default false"),
  dueBefore: Schema.optional(DateTimeInput.annotations({
    description: "Only tasks due before this instant (RFC 3339 with offset); tasks without a due date are left out"
  })),
  dueAfter: Schema.optional(DateTimeInput.annotations({
    description: "Only tasks due at or after this instant (RFC 3339 with offset); tasks without a due date are left out"
  })),
  priority: Schema.optional(
    Schema.Array(Priority).pipe(Schema.minItems(1)).annotations({
      description: "Only tasks with one of these priorities, e.g. [\"high\", \"urgent\"]"
    })
  ),
  query: Schema.optionalWith(
    text({
      min: 0,
      max: 500,
      description: "Text to find in the title or description, case-insensitive (at most 500 characters)"
    }),
    { exact: true }
  ),
  ...pageFields(defaultPage, maxPage)
})

const Output = Schema.Struct({
  tasks: Schema.Array(TaskSummary),
  ...DecryptedPageInfo
})

// Decoded once per decrypted record: the Crypto memo returns the same object while it is unchanged.
const taskMemo = memoByIdentity((data: Readonly<Record<string, unknown>>, id: string) => readTask(id, data))

const plaintextFilter = (input: typeof Input.Type) => (data: Readonly<Record<string, unknown>>) => {
  if (!input.includeCompleted && data["isCompleted"] === true) return false
  if (
    input.priority !== undefined && !input.priority.includes(Option.getOrElse(
      Schema.decodeUnknownOption(Priority)(data["priority"]),
      () => "medium" as const
    ))
  ) return false
  if (input.dueBefore !== undefined || input.dueAfter !== undefined) {
    const due = instantOf(data["dueDate"])
    if (due === Number.NEGATIVE_INFINITY) return false
    if (input.dueBefore !== undefined && !(due < instantOf(input.dueBefore))) return false
    if (input.dueAfter !== undefined && !(due >= instantOf(input.dueAfter))) return false
  }
  return true
}

const listPage = rememberDecryptedDerivation<typeof Output.Type>()

export const list = defineTool({
  name: "todo.list",
  title: "List tasks",
  description:
    `Lists the tasks in the user's active space, decrypted, ordered as in the Mana app (by position, then creation time). Filters: includeCompleted (default false: open tasks only), dueBefore / dueAfter (RFC 3339 with offset), priority (a list), query (text in title or description). Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor for the next page. Returns { tasks, unreadable, nextCursor, total }; descriptions are previews of about 280 characters with descriptionLength (todo.get returns the whole task); unreadable lists tasks that could not be decrypted (for instance another member's, in a shared space). Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  encryptedFields: tasksTable,
  handler: (input) =>
    // The same query over an unchanged table returns the remembered page (decrypted, sorted, summarised once).
    listPage(todoApp, tasksTable, plaintextFilter(input), JSON.stringify(input), ({ readable, unreadable }) =>
      Effect.gen(function*() {
        const needle = input.query?.trim().toLowerCase() ?? ""
        const taskOf = yield* taskMemo
        const tasks = readable
          .flatMap((record) =>
            Option.toArray(taskOf(record.data, record.id))
          )
          .filter((task) =>
            needle === "" || task.title.toLowerCase().includes(needle) ||
            (task.description ?? "").toLowerCase().includes(needle)
          )
          .sort(byPosition)
        const { cursor: _cursor, limit: _limit, ...filters } = input
        const page = yield* paginate("todo.list", tasks, input, filters)
        return { tasks: page.items.map(summarizeTask), unreadable, nextCursor: page.nextCursor, total: page.total }
      }))
})
