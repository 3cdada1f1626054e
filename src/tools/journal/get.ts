/**
 * `journal.get`: one journal entry of the active space, whole and decrypted.
 */
import { Effect, Schema } from "effect"
import { loadRecord } from "../kit/loadRecord.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Entry, EntryId, journalKind, journalTable, readEntry } from "./Entry.ts"

export const get = defineTool({
  name: "journal.get",
  title: "Get journal entry",
  description:
    "Returns one journal entry of the user's active space with its full text, decrypted. Returns { entry }. Fails with RecordNotFound if the id is not a live entry of the active space (use journal.list or journal.search), or RecordUnreadable if another member of a shared space wrote it with their own key.",
  scope: "user-space",
  policyHint: "read",
  input: Schema.Struct({ id: EntryId }),
  output: Schema.Struct({ entry: Entry }),
  encryptedFields: journalTable,
  handler: ({ id }) => Effect.map(loadRecord(journalKind, id, readEntry), ({ value }) => ({ entry: value }))
})
