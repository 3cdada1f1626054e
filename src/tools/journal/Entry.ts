/**
 * The journal module's data: the `journalEntries` record as tools return it (plaintext), the
 * lenient reading of stored web-app records, the list/search summary with a content preview, the
 * mood enum with the web app's exact German strings, the encrypted-field registry entry
 * (docs/upstreams.md §4.4, §4.5) and the word count rule. No I/O here.
 */
import { Option, Schema } from "effect"
import { instantOf } from "../../sync/SyncWire.ts"
import { oneOf, recordId } from "../kit/fields/index.ts"
import type { RecordKind } from "../kit/RecordKind.ts"
import { lengthOf, PreviewLength, previewOf } from "../kit/textPreview.ts"

export const journalApp = "journal"
export const journalTable = { table: "journalEntries", fields: ["title", "content"] } as const

export const EntryId = recordId("The entry's id (a UUID from journal.list or journal.search)")

const labelOfEntry = (data: Readonly<Record<string, unknown>>): string | null => {
  const title = data["title"]
  if (typeof title === "string" && title.trim() !== "") return title
  const content = typeof data["content"] === "string" ? data["content"] : ""
  const date = typeof data["entryDate"] === "string" ? data["entryDate"] : undefined
  const words = Array.from(content.replace(/\s+/g, " ").trim()).slice(0, 60).join("")
  if (words === "") return date === undefined ? null : `entry of ${date}`
  return date === undefined ? words : `${date}: ${words}`
}

export const journalKind: RecordKind = {
  module: "journal",
  app: journalApp,
  table: journalTable,
  noun: "journal entry",
  listTool: "journal.list",
  labelOf: labelOfEntry
}

export const moods = [
  "dankbar",
  "glücklich",
  "zufrieden",
  "neutral",
  "nachdenklich",
  "traurig",
  "gestresst",
  "wütend"
] as const
export const Mood = oneOf(...moods)

export const Entry = Schema.Struct({
  id: Schema.String,
  title: Schema.NullOr(Schema.String),
  content: Schema.String,
  entryDate: Schema.String,
  mood: Schema.NullOr(Mood),
  tags: Schema.Array(Schema.String),
  wordCount: Schema.Int,
  isPinned: Schema.Boolean,
  isFavorite: Schema.Boolean,
  isArchived: Schema.Boolean,
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String)
}).annotations({ identifier: "JournalEntry", description: "A journal entry, decrypted" })
export type Entry = typeof Entry.Type

/** An entry in list and search results: the content cut to a preview, with its full length. */
// The full entry with its content replaced by a preview, in the same order.
const { content: _content, id: entryId, title: entryTitle, ...entryRest } = Entry.fields
export const EntrySummary = Schema.Struct({
  id: entryId,
  title: entryTitle,
  contentPreview: Schema.String,
  contentLength: PreviewLength,
  ...entryRest
}).annotations({
  identifier: "JournalEntrySummary",
  description: "A journal entry, decrypted; journal.get has the full text"
})
export type EntrySummary = typeof EntrySummary.Type

export const summarizeEntry = ({ content, ...rest }: Entry): EntrySummary => ({
  ...rest,
  contentPreview: previewOf(content),
  contentLength: lengthOf(content)
})

// Web-app rows may lack flags, tags and timestamps; a row without a string content or a date is
// a partial record and is skipped (upstreams.md 2.9). An unknown mood reads as none.
const StoredEntry = Schema.Struct({
  id: Schema.String,
  title: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  content: Schema.String,
  entryDate: Schema.String,
  mood: Schema.optionalWith(Schema.Unknown, { default: () => null }),
  tags: Schema.optionalWith(Schema.Array(Schema.String), { nullable: true, default: () => [] }),
  wordCount: Schema.optionalWith(Schema.Number, { nullable: true }),
  isPinned: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  isFavorite: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  isArchived: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  createdAt: Schema.optionalWith(Schema.String, { nullable: true }),
  updatedAt: Schema.optionalWith(Schema.String, { nullable: true })
})

const isMood = Schema.is(Mood)

/** A decrypted stored record as an `Entry`, or `None` when it lacks required fields. */
export const readEntry = (id: string, data: Readonly<Record<string, unknown>>): Option.Option<Entry> =>
  Option.map(Schema.decodeUnknownOption(StoredEntry)({ ...data, id }), ({ mood, wordCount, ...stored }): Entry => ({
    ...stored,
    mood: isMood(mood) ? mood : null,
    wordCount: typeof wordCount === "number" && Number.isInteger(wordCount) ? wordCount : countWords(stored.content)
  }))

/** Newest first: by entry date (YYYY-MM-DD sorts as text), then creation instant, then id. */
export const newestFirst = (a: Entry, b: Entry) =>
  (a.entryDate < b.entryDate ? 1 : a.entryDate > b.entryDate ? -1 : 0) ||
  instantOf(b.createdAt) - instantOf(a.createdAt) || a.id.localeCompare(b.id)

/** The number of non-empty whitespace-separated tokens, as the web app counts words. */
export const countWords = (content: string): number => content.split(/\s+/).filter((token) => token !== "").length
