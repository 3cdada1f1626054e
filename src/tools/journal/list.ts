/**
 * `journal.list`: the journal of the active space, newest first, filtered by a date range, moods
 * and tags (all plaintext, so filtered before decryption), paged, with content previews.
 */
import { Effect, Schema } from "effect"
import { rememberDecryptedDerivation } from "../kit/decryptRecords.ts"
import { calendarDate, flagOffByDefault, tags } from "../kit/fields/index.ts"
import { pageFields, paginate } from "../kit/paging.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { journalApp, journalTable, Mood, summarizeEntry } from "./Entry.ts"
import { entriesOf, EntriesPage } from "./readEntries.ts"

const listPage = rememberDecryptedDerivation<typeof EntriesPage.Type>()

const defaultPage = 20
const maxPage = 100

const Input = Schema.Struct({
  from: Schema.optionalWith(calendarDate("First day to include, YYYY-MM-DD (inclusive)"), { exact: true }),
  to: Schema.optionalWith(calendarDate("Last day to include, YYYY-MM-DD (inclusive)"), { exact: true }),
  moods: Schema.optional(
    Schema.Array(Mood).pipe(Schema.minItems(1)).annotations({
      description: "Only entries with one of these moods (German words, e.g. [\"traurig\", \"gestresst\"])"
    })
  ),
  tags: Schema.optionalWith(
    tags("Only entries carrying at least one of these tags (exact, case-insensitive); an empty list filters nothing"),
    { exact: true }
  ),
  includeArchived: flagOffByDefault("Also list archived entries; default false"),
  ...pageFields(defaultPage, maxPage)
})

const plaintextFilter = (input: typeof Input.Type) => (data: Readonly<Record<string, unknown>>) => {
  const date = typeof data["entryDate"] === "string" ? data["entryDate"] : ""
  if (input.from !== undefined && date < input.from) return false
  if (input.to !== undefined && date > input.to) return false
  if (!input.includeArchived && data["isArchived"] === true) return false
  if (input.moods !== undefined && !input.moods.some((mood) => mood === data["mood"])) return false
  if (input.tags !== undefined && input.tags.length > 0) {
    const wanted = new Set(input.tags.map((tag) => tag.toLowerCase()))
    const tags = Array.isArray(data["tags"]) ? data["tags"] : []
    if (!tags.some((tag) => typeof tag === "string" && wanted.has(tag.toLowerCase()))) return false
  }
  return true
}

export const list = defineTool({
  name: "journal.list",
  title: "List journal entries",
  description:
    `Lists the journal entries of the user's active space, newest first (by entry date). Filters: from / to (YYYY-MM-DD, inclusive; entry dates are calendar days as the user wrote them, "today" is the current UTC date), moods (German mood words), tags (any of them), includeArchived. Returns { entries, unreadable, nextCursor, total }; content is a preview of about 280 characters with contentLength (journal.get returns the whole entry). Paged: limit default ${defaultPage}, max ${maxPage}; pass nextCursor back as cursor. To find entries by words use journal.search. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.`,
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: EntriesPage,
  encryptedFields: journalTable,
  handler: (input) =>
    listPage(journalApp, journalTable, plaintextFilter(input), JSON.stringify(input), ({ readable, unreadable }) => {
      const { cursor: _cursor, limit: _limit, ...filters } = input
      return Effect.map(
        paginate("journal.list", entriesOf(readable), input, filters),
        (page) => ({
          entries: page.items.map(summarizeEntry),
          unreadable,
          nextCursor: page.nextCursor,
          total: page.total
        })
      )
    })
})
