/**
 * `trash.list`: the soft-deleted records of the active space across habits, todo, notes and
 * journal, most recently deleted first, with a title decrypted for display only. Reading the
 * trash never needs a key to succeed: without one, encrypted titles are null.
 */
import { Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { instantOf } from "../../sync/SyncWire.ts"
import { pageFields, PageInfo, paginate } from "../kit/paging.ts"
import { labelWith, optionalKey } from "../kit/recordLabel.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { type TrashItem, TrashItem as TrashItemSchema, trashKinds, TrashTable } from "./trashKinds.ts"

const defaultPage = 20
const maxPage = 100

const Input = Schema.Struct({
  table: Schema.optional(TrashTable.annotations({ description: "Only this table; default all four" })),
  ...pageFields(defaultPage, maxPage)
})

const Output = Schema.Struct({ items: Schema.Array(TrashItemSchema), ...PageInfo })

const isTrashTable = Schema.is(TrashTable)

export const list = defineTool({
  name: "trash.list",
  title: "List trash",
  description:
    `Lists what was deleted in the user's active Mana space (habits, tasks, notes, journal entries), most recently deleted first. Returns { items, nextCursor, total }; each item has module, table, id, title and deletedAt. Restore one with trash.restore { table, id }. Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  handler: (input) =>
    Effect.gen(function*() {
      const caller = yield* Caller
      const sync = yield* SyncClient
      const key = yield* optionalKey
      const kinds = trashKinds.filter((kind) => input.table === undefined || kind.table.table === input.table)
      const perKind = yield* Effect.forEach(kinds, (kind) =>
        Effect.gen(function*() {
          const table = kind.table.table
          const records = yield* sync.readTrash(caller, kind.app, table)
          return yield* Effect.forEach(records, (record) =>
            Effect.map(labelWith(kind, key, record), (title): ReadonlyArray<TrashItem> => {
              const deletedAt = record.data["deletedAt"]
              return isTrashTable(table) && typeof deletedAt === "string"
                ? [{ module: kind.module, table, id: record.id, title, deletedAt }]
                : []
            }), { concurrency: 8 })
        }))
      const items = perKind.flat(2).sort((a, b) =>
        instantOf(b.deletedAt) - instantOf(a.deletedAt) || a.id.localeCompare(b.id)
      )
      const page = yield* paginate("trash.list", items, input, { t: input.table ?? null })
      return { items: page.items, nextCursor: page.nextCursor, total: page.total }
    })
})
