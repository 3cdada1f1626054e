/**
 * The decrypted journal entries of the active space for `journal.list` and `journal.search`,
 * newest first. A plaintext pre-filter (date range, mood, tags) runs before decryption; an entry
 * that cannot be decrypted is reported in `unreadable` instead of failing the call.
 */
import { Effect, Option, Schema } from "effect"
import { DecryptedPageInfo, readDecrypted } from "../decryptRecords.ts"
import { EntrySummary, journalApp, journalTable, newestFirst, readEntry } from "./Entry.ts"

/** What `journal.list` and `journal.search` answer: a page of entry summaries. */
export const EntriesPage = Schema.Struct({
  entries: Schema.Array(EntrySummary),
  ...DecryptedPageInfo
})

export const readEntries = (keep: (data: Readonly<Record<string, unknown>>) => boolean) =>
  Effect.map(readDecrypted(journalApp, journalTable, keep), ({ readable, unreadable }) => ({
    entries: readable.flatMap((record) => Option.toArray(readEntry(record.id, record.data))).sort(newestFirst),
    unreadable
  }))
