/**
 * The shared read of `notes.list` and `notes.search`: which records to decrypt (`isArchived` is
 * plaintext, so archived notes are dropped before paying for decryption), the decrypted records as
 * notes, and the page both answer with. A note that cannot be decrypted is reported in
 * `unreadable` instead of failing the call (`rememberDecryptedDerivation`, which also remembers
 * each tool's page per table state, key and input).
 */
import { Option, Schema } from "effect"
import type { SyncRecord } from "../../sync/SyncClient.ts"
import { DecryptedPageInfo } from "../kit/decryptRecords.ts"
import { NoteSummary, readNote } from "./Note.ts"

/** What `notes.list` and `notes.search` answer: a page of note summaries. */
export const NotesPage = Schema.Struct({
  notes: Schema.Array(NoteSummary),
  ...DecryptedPageInfo
})

export const keepNotes = (includeArchived: boolean) => (data: Readonly<Record<string, unknown>>) =>
  includeArchived || data["isArchived"] !== true

export const notesOf = (readable: ReadonlyArray<SyncRecord>) =>
  readable.flatMap((record) => Option.toArray(readNote(record.id, record.data)))
