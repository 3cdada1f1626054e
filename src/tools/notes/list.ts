/**
 * `notes.list`: the notes of the active space as the web app shows them — pinned first, then
 * most recently updated — paged, with content previews.
 */
import { Effect, Schema } from "effect"
import { rememberDecryptedDerivation } from "../kit/decryptRecords.ts"
import { flagOffByDefault } from "../kit/fields/index.ts"
import { pageFields, paginate } from "../kit/paging.ts"
import { byLastTouched } from "../kit/recordOrder.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { type Note, notesApp, notesTable, summarizeNote } from "./Note.ts"
import { keepNotes, notesOf, NotesPage } from "./readNotes.ts"

const listPage = rememberDecryptedDerivation<typeof NotesPage.Type>()

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
    listPage(
      notesApp,
      notesTable,
      keepNotes(input.includeArchived),
      JSON.stringify(input),
      ({ readable, unreadable }) =>
        Effect.map(
          Effect.flatMap(
            notesOf(readable),
            (notes) => paginate("notes.list", notes.sort(pinnedThenRecent), input, { a: input.includeArchived })
          ),
          (page) => ({
            notes: page.items.map(summarizeNote),
            unreadable,
            nextCursor: page.nextCursor,
            total: page.total
          })
        )
    )
})
