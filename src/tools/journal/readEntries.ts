/**
 * The shared read of `journal.list` and `journal.search`: the decrypted records as entries, newest
 * first, and the page both answer with. Which records to decrypt is each tool's plaintext
 * pre-filter; an entry that cannot be decrypted is reported in `unreadable` instead of failing the
 * call (`rememberDecryptedDerivation`, which also remembers each tool's page per table state, key
 * and input).
 */
import { Option, Schema } from "effect"
import type { SyncRecord } from "../../sync/SyncClient.ts"
import { DecryptedPageInfo } from "../kit/decryptRecords.ts"
import { EntrySummary, newestFirst, readEntry } from "./Entry.ts"

/** What `journal.list` and `journal.search` answer: a page of entry summaries. */
export const EntriesPage = Schema.Struct({
  entries: Schema.Array(EntrySummary),
  ...DecryptedPageInfo
})

export const entriesOf = (readable: ReadonlyArray<SyncRecord>) =>
  readable.flatMap((record) => Option.toArray(readEntry(record.id, record.data))).sort(newestFirst)
