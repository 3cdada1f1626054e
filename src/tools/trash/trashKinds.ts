/**
 * The tables whose soft-deleted records make up the trash: the four modules' main tables, keyed
 * by table name (what `trash.list` reports and `trash.restore` takes).
 */
import { Schema } from "effect"
import { habitKind } from "../habits/Habit.ts"
import { journalKind } from "../journal/Entry.ts"
import { oneOf } from "../kit/fields/index.ts"
import type { RecordKind } from "../kit/RecordKind.ts"
import { noteKind } from "../notes/Note.ts"
import { taskKind } from "../todo/Task.ts"

export const trashKinds: ReadonlyArray<RecordKind> = [habitKind, taskKind, noteKind, journalKind]

export const TrashTable = oneOf("habits", "tasks", "notes", "journalEntries").annotations({
  description: "The record's table as trash.list reports it: habits, tasks, notes or journalEntries"
})
export type TrashTable = typeof TrashTable.Type

export const kindOf = (table: TrashTable): RecordKind | undefined =>
  trashKinds.find((kind) => kind.table.table === table)

export const TrashItem = Schema.Struct({
  module: Schema.String,
  table: TrashTable,
  id: Schema.String,
  title: Schema.NullOr(Schema.String).annotations({
    description: "The record's title, decrypted for display (null if it has none or cannot be decrypted)"
  }),
  deletedAt: Schema.String
}).annotations({ identifier: "TrashItem" })
export type TrashItem = typeof TrashItem.Type
