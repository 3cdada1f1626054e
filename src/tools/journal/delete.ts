/**
 * `journal.delete`: moves a journal entry to the trash (soft delete). Destructive: the user
 * confirms first in enforce mode. The shared shape is `makeDeleteTool`.
 */
import { makeDeleteTool } from "../kit/deleteTool.ts"
import { journalKind } from "./Entry.ts"

export const deleteEntry = makeDeleteTool(journalKind, {
  name: "journal.delete",
  title: "Delete journal entry",
  idDescription: "The entry's id (a UUID from journal.list or journal.search)",
  extra: "To hide an entry without deleting it, use journal.update with isArchived: true. "
})
