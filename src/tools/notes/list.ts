/**
 * `notes.list`: the notes of the active space as the web app shows them — pinned first, then
 * most recently updated — paged, with content previews.
 */
import { Effect, Schema } from "effect"
import { flagOffByDefault } from "../fields/index.ts"
import { pageFields, paginate } from "../paging.ts"
import { byLastTouched } from "../recordOrder.ts"
import { defineTool } from "../ToolSpec.ts"
import { type Note, notesTable, summarizeNote } from "./Note.ts"
import { NotesPage, readNotes } from "./readNotes.ts"

const defaultPage = 20
const maxPage = 100

const Input = Schema.Struct({
  includeArchived: flagOffByDefault("Also list archived notes; default false"),
  ...pageFields(defaultPage, maxPage)
})

const pinnedThenRecent = (a: Note, b: Note) => Number(b.isPinned) - Number(a.isPinned) || byLastTouched(a, b)

export const list = defineTool({
  name: "notes.list",
  title: "List notes",
  description:
    `Lists the notes of the user's active space: pinned notes first, then the most recently updated. Returns { notes, unreadable, nextCursor, total }; content is a preview of about 280 characters with contentLength (notes.get returns the whole note). Archived notes only if includeArchived is true. Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor. To find notes by text use notes.search. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: NotesPage,
  encryptedFields: notesTable,
  handler: (input) =>
    Effect.gen(function*() {
      const { notes, unreadable } = yield* readNotes(input.includeArchived)
      const page = yield* paginate("notes.list", [...notes].sort(pinnedThenRecent), input, {
        a: input.includeArchived
      })
      return { notes: page.items.map(summarizeNote), unreadable, nextCursor: page.nextCursor, total: page.total }
    })
})
