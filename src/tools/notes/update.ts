/**
 * `notes.update`: changes a note's title, content, colour, pin or archive flag, or appends to its
 * content (`appendContent`: the common "add a line" without a read-modify-write by the agent).
 * Only the given fields are pushed (each with its own `at`, plus `updatedAt`); title and content
 * are encrypted before they leave. With `ifUnchangedSince`, a note changed after that instant is
 * not written (`RecordChanged` shows its current values). Archiving is the reversible way to tidy
 * up; deleting is `notes.delete`.
 */
import { DateTime, Effect, Schema } from "effect"
import { flag, hexColor, orNull, text, title } from "../kit/fields/index.ts"
import { laterOf } from "../kit/guard/changedAt.ts"
import { checkUnchanged, optionalGuard, pickFields } from "../kit/guard/ifUnchangedSince.ts"
import { loadRecord } from "../kit/loadRecord.ts"
import { definedFields, pushUpdate } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { appendedContent, maxNoteContent, ReplaceAndAppend } from "./appendContent.ts"
import { Note, NoteId, noteKind, notesTable, readNote } from "./Note.ts"

const Input = Schema.Struct({
  id: NoteId,
  title: Schema.optionalWith(title(500, "New title (1–500 characters)"), { exact: true }),
  content: Schema.optionalWith(
    text({
      min: 0,
      max: maxNoteContent,
      multiline: true,
      description: "New markdown body, replacing the old one (at most 200000 characters)"
    }),
    { exact: true }
  ),
  appendContent: Schema.optionalWith(
    text({
      min: 1,
      max: maxNoteContent,
      multiline: true,
      description:
        "Markdown to add at the end of the current body, on a new line (instead of content; the note must stay within 200000 characters)"
    }),
    { exact: true }
  ),
  color: Schema.optionalWith(orNull(hexColor("Colour as #RRGGBB"), "Colour as #RRGGBB, or null for none"), {
    exact: true
  }),
  isPinned: Schema.optionalWith(flag("Pin to the top, or unpin"), { exact: true }),
  isArchived: Schema.optionalWith(flag("Archive (hide from lists), or unarchive"), { exact: true }),
  ifUnchangedSince: optionalGuard
})

const guarded = {
  kind: "note",
  updateTool: "notes.update",
  getTool: "notes.get",
  hint: "To add text without replacing the body, use appendContent, which needs no merge."
}

export const update = defineTool({
  name: "notes.update",
  title: "Update note",
  description:
    "Changes fields of one note in the user's active space: any of title, content (replaces the whole body; read it with notes.get first to edit part of it), appendContent (adds text at the end on a new line, no read needed), color (#RRGGBB or null), isPinned, isArchived. Fields you leave out keep their values. Pass ifUnchangedSince (the updatedAt you last saw) to refuse the update if the note was changed since, e.g. by the user in the app; the error then shows the current values to merge with. Returns { note }: the note after the change, decrypted, with updatedAt (its last change). Fails with RecordNotFound if the id is not a live note of the active space.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Schema.Struct({ note: Note }),
  encryptedFields: notesTable,
  handler: ({ appendContent, id, ifUnchangedSince, ...changes }) =>
    Effect.gen(function*() {
      if (appendContent !== undefined && changes.content !== undefined) return yield* new ReplaceAndAppend()
      const { key, stored, value: note } = yield* loadRecord(noteKind, id, readNote)
      const fields = definedFields(changes)
      if (appendContent !== undefined) fields["content"] = yield* appendedContent(note.content, appendContent)
      yield* checkUnchanged(guarded, stored, ifUnchangedSince, pickFields(note, Object.keys(fields)))
      if (Object.keys(fields).length === 0) return { note }
      fields["updatedAt"] = DateTime.formatIso(yield* DateTime.now)
      const at = yield* pushUpdate(noteKind, key, id, fields)
      const content = fields["content"]
      const updated: Note = {
        ...note,
        ...(changes.title === undefined ? {} : { title: changes.title }),
        ...(typeof content === "string" ? { content } : {}),
        ...(changes.color === undefined ? {} : { color: changes.color }),
        ...(changes.isPinned === undefined ? {} : { isPinned: changes.isPinned }),
        ...(changes.isArchived === undefined ? {} : { isArchived: changes.isArchived }),
        updatedAt: laterOf(note.updatedAt, at)
      }
      return { note: updated }
    })
})
