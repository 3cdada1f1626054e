/**
 * `notes.get`: one note of the active space, whole and decrypted — what list and search
 * previews point to.
 */
import { Effect, Schema } from "effect"
import { loadRecord } from "../kit/loadRecord.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Note, NoteId, noteKind, notesTable, readNote } from "./Note.ts"

export const get = defineTool({
  name: "notes.get",
  title: "Get note",
  description:
    "Returns one note of the user's active space with its full markdown content, decrypted. Returns { note }. Fails with RecordNotFound if the id is not a live note of the active space (use notes.list or notes.search), or RecordUnreadable if another member of a shared space wrote it with their own key.",
  scope: "user-space",
  policyHint: "read",
  input: Schema.Struct({ id: NoteId }),
  output: Schema.Struct({ note: Note }),
  encryptedFields: notesTable,
  handler: ({ id }) => Effect.map(loadRecord(noteKind, id, readNote), ({ value }) => ({ note: value }))
})
