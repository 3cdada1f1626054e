/**
 * `trash.restore`: the undo of a `*.delete`. The record must be in the trash of the active space
 * (`RecordNotFound` otherwise, nothing pushed); it comes back as an update that sets `deletedAt`
 * to null (plus `updatedAt`), which every reader — the web app included — folds as an undelete.
 */
import { DateTime, Effect, Schema } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { recordId } from "../kit/fields/index.ts"
import { labelFor } from "../kit/recordLabel.ts"
import { RecordNotFound } from "../kit/RecordNotFound.ts"
import { pushUpdate } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { kindOf, TrashItem, TrashTable } from "./trashKinds.ts"

const Input = Schema.Struct({
  table: TrashTable,
  id: recordId("The record's id, from trash.list")
})

const Restored = TrashItem.pipe(Schema.omit("deletedAt"))

export const restore = defineTool({
  name: "trash.restore",
  title: "Restore from trash",
  description:
    "Brings a deleted record of the user's active Mana space back from the trash (the undo of habits.delete, todo.delete, notes.delete and journal.delete). Takes the table and id that trash.list reports. Returns { restored: { module, table, id, title } }. Fails with RecordNotFound if that record is not in the trash of the active space.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Schema.Struct({ restored: Restored }),
  handler: ({ id, table }) =>
    Effect.gen(function*() {
      const kind = kindOf(table)
      if (kind === undefined) return yield* new RecordNotFound({ kind: "deleted record", id, listTool: "trash.list" })
      const caller = yield* Caller
      const trash = yield* Effect.flatMap(SyncClient, (sync) => sync.readTrash(caller, kind.app, table))
      const record = trash.find((r) => r.id === id)
      if (record === undefined) {
        return yield* new RecordNotFound({ kind: `deleted ${kind.noun}`, id, listTool: "trash.list" })
      }
      const now = DateTime.formatIso(yield* DateTime.now)
      yield* pushUpdate(kind, undefined, id, { deletedAt: null, updatedAt: now })
      const title = yield* labelFor(kind, record)
      return { restored: { module: kind.module, table, id, title } }
    })
})
