/**
 * The journal module's data: the `journalEntries` record as `journal.add` returns it (plaintext),
 * the mood enum with the web app's exact German strings, the encrypted-field registry entry
 * (docs/upstreams.md §4.4, §4.5) and the word count rule. No I/O here.
 */
import { Schema } from "effect"

export const journalApp = "journal"
export const journalTable = { table: "journalEntries", fields: ["title", "content"] } as const

export const Mood = Schema.Literal(
  "dankbar",
  "glücklich",
  "zufrieden",
  "neutral",
  "nachdenklich",
  "traurig",
  "gestresst",
  "wütend"
)

const isCalendarDate = (text: string) => {
  const [year = 0, month = 0, day = 0] = text.split("-").map(Number)
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0
  return day >= 1 && day <= days
}

/** `YYYY-MM-DD` that is also a real calendar date. */
export const IsoDate = Schema.String.pipe(
  Schema.pattern(/^\d{4}-\d{2}-\d{2}$/),
  // The JSON Schema annotation lets the filter (and its description) show up in tools/list.
  Schema.filter(isCalendarDate, {
    message: () => "not a real calendar date (expected YYYY-MM-DD)",
    jsonSchema: { format: "date" }
  })
)

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
  createdAt: Schema.String,
  updatedAt: Schema.String
}).annotations({ identifier: "JournalEntry", description: "A journal entry, decrypted" })
export type Entry = typeof Entry.Type

/** The number of non-empty whitespace-separated tokens, as the web app counts words. */
export const countWords = (content: string): number => content.split(/\s+/).filter((token) => token !== "").length
