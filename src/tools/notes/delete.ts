/**
 * `notes.delete`: moves a note to the trash (soft delete). Destructive: the user confirms first
 * in enforce mode. The shared shape is `makeDeleteTool`.
 */
import { makeDeleteTool } from "../kit/deleteTool.ts"
import { noteKind } from "./Note.ts"

export const deleteNote = makeDeleteTool(noteKind, {
  name: "notes.delete",
  title: "Delete note",
  idDescription: "The note's id (a UUID from notes.list or notes.search)",
  extra: "To hide a note without deleting it, use notes.update with isArchived: true. "
})
