/**
 * `journal.search`: journal entries of the active space whose decrypted title or content
 * contains the query (case-insensitive), newest first, paged, with content previews.
 */
import { Effect, Schema } from "effect"
import { rememberDecryptedDerivation } from "../kit/decryptRecords.ts"
import { flagOffByDefault, text } from "../kit/fields/index.ts"
import { pageFields, paginate } from "../kit/paging.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { journalApp, journalTable, summarizeEntry } from "./Entry.ts"
import { entriesOf, EntriesPage } from "./readEntries.ts"

const searchPage = rememberDecryptedDerivation<typeof EntriesPage.Type>()

const defaultPage = 20
const maxPage = 100

const Input = Schema.Struct({
  query: text({
    min: 1,
    max: 500,
    description: "Text to look for in titles and contents, case-insensitive (1–500 characters)"
  }),
  includeArchived: flagOffByDefault("Also search archived entries; default false"),
  ...pageFields(defaultPage, maxPage)
})

export const search = defineTool({
  name: "journal.search",
  title: "Search journal",
  description:
    `Searches the journal entries of the user's active space for text in the title or content (case-insensitive substring). Returns { entries, unreadable, nextCursor, total }, newest first; content is a preview of about 280 characters with contentLength (journal.get returns the whole entry). Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: EntriesPage,
  encryptedFields: journalTable,
  handler: (input) =>
    searchPage(
      journalApp,
      journalTable,
      (data) => input.includeArchived || data["isArchived"] !== true,
      JSON.stringify(input),
      ({ readable, unreadable }) => {
        const needle = input.query.trim().toLowerCase()
        const found = entriesOf(readable).filter((entry) =>
          (entry.title ?? "").toLowerCase().includes(needle) || entry.content.toLowerCase().includes(needle)
        )
        return Effect.map(
          paginate("journal.search", found, input, { q: needle, a: input.includeArchived }),
          (page) => ({
            entries: page.items.map(summarizeEntry),
            unreadable,
            nextCursor: page.nextCursor,
            total: page.total
          })
        )
      }
    )
})
