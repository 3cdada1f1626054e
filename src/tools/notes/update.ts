/**
 * `notes.update`: changes a note's title, content, colour, pin or archive flag. Only the given
 * fields are pushed (each with its own `at`, plus `updatedAt`); title and content are encrypted
 * before they leave. Archiving is the reversible way to tidy up; deleting is `notes.delete`.
 */
import { DateTime, Effect, Schema } from "effect"
import { flag, hexColor, orNull, text, title } from "../kit/fields/index.ts"
import { loadRecord } from "../kit/loadRecord.ts"
import { definedFields, pushUpdate } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Note, NoteId, noteKind, notesTable, readNote } from "./Note.ts"

const Input = Schema.Struct({
  id: NoteId,
  title: Schema.optionalWith(title(500, "New title (1–500 characters)"), { exact: true }),
  content: Schema.optionalWith(
    text({
      min: 0,
      max: 200_000,
      multiline: true,
      description: "New markdown body, replacing the old one (at most 200000 characters)"
    }),
    { exact: true }
  ),
  color: Schema.optionalWith(orNull(hexColor("Colour as #RRGGBB"), "Colour as #RRGGBB, or null for none"), {
    exact: true
  }),
  isPinned: Schema.optionalWith(flag("Pin to the top, or unpin"), { exact: true }),
  isArchived: Schema.optionalWith(flag("Archive (hide from lists), or unarchive"), { exact: true })
})

export const update = defineTool({
  name: "notes.update",
  title: "Update note",
  description:
    "Changes fields of one note in the user's active space: any of title, content (replaces the whole body; read it with notes.get first to edit part of it), color (#RRGGBB or null), isPinned, isArchived. Fields you leave out keep their values. Returns { note }: the note after the change, decrypted. Fails with RecordNotFound if the id is not a live note of the active space.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Schema.Struct({ note: Note }),
  encryptedFields: notesTable,
  handler: ({ id, ...changes }) =>
    Effect.gen(function*() {
      const { key, value: note } = yield* loadRecord(noteKind, id, readNote)
      const fields = definedFields(changes)
      if (Object.keys(fields).length === 0) return { note }
      const now = DateTime.formatIso(yield* DateTime.now)
      fields["updatedAt"] = now
      yield* pushUpdate(noteKind, key, id, fields)
      const updated: Note = {
        ...note,
        ...(changes.title === undefined ? {} : { title: changes.title }),
        ...(changes.content === undefined ? {} : { content: changes.content }),
        ...(changes.color === undefined ? {} : { color: changes.color }),
        ...(changes.isPinned === undefined ? {} : { isPinned: changes.isPinned }),
        ...(changes.isArchived === undefined ? {} : { isArchived: changes.isArchived }),
        updatedAt: now
      }
      return { note: updated }
    })
})
