/**
 * `notes.search`: finds notes in the active space whose decrypted title or content contains the
 * query (case-insensitive), most recently updated first, paged, with content previews.
 * Matching has to happen after decryption, so every note of the space is decrypted; a note that
 * cannot be is reported in `unreadable` instead of failing the search.
 */
import { Effect, Schema } from "effect"
import { rememberDecryptedDerivation } from "../kit/decryptRecords.ts"
import { flagOffByDefault, text } from "../kit/fields/index.ts"
import { pageFields, paginate } from "../kit/paging.ts"
import { byLastTouched } from "../kit/recordOrder.ts"
import { textMatcher } from "../kit/searchText.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { notesApp, notesTable, summarizeNote } from "./Note.ts"
import { keepNotes, notesContaining, notesOf, NotesPage } from "./readNotes.ts"

const searchPage = rememberDecryptedDerivation<typeof NotesPage.Type>()

const defaultPage = 20
const maxPage = 100

const Input = Schema.Struct({
  query: Schema.optionalWith(
    text({
      min: 0,
      max: 500,
      description:
        "Text to look for in titles and contents, case-insensitive (at most 500 characters); empty matches every note"
    }),
    { default: () => "" }
  ),
  includeArchived: flagOffByDefault("Also search archived notes; default false"),
  ...pageFields(defaultPage, maxPage)
})

export const search = defineTool({
  name: "notes.search",
  title: "Search notes",
  description:
    `Searches the notes in the user's active space for text in the title or content (case-insensitive substring with full Unicode case folding, so STRASSE finds Straße; an empty query matches all notes). Returns { notes, unreadable, nextCursor, total }: most recently updated first, archived notes only if includeArchived is true; content is a preview of about 280 characters with contentLength (notes.get returns the whole note). Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor. unreadable lists notes that could not be decrypted (for instance another member's, in a shared space). Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: NotesPage,
  encryptedFields: notesTable,
  handler: (input) =>
    searchPage(
      notesApp,
      notesTable,
      keepNotes(input.includeArchived),
      JSON.stringify(input),
      ({ readable, unreadable }) => {
        const query = textMatcher(input.query)
        const found = Effect.flatMap(notesOf(readable), (notes) => notesContaining(notes, query.needle))
        return Effect.map(
          Effect.flatMap(found, (notes) =>
            paginate("notes.search", notes.sort(byLastTouched), input, { q: query.needle, a: input.includeArchived })),
          (page) => ({
            notes: page.items.map(summarizeNote),
            unreadable,
            nextCursor: page.nextCursor,
            total: page.total
          })
        )
      }
    )
})
