/**
 * The decrypted notes of the active space for `notes.list` and `notes.search`. `isArchived` is
 * plaintext, so archived notes are dropped before paying for decryption; a note that cannot be
 * decrypted is reported in `unreadable` instead of failing the call.
 */
import { Effect, Option, Schema } from "effect"
import { DecryptedPageInfo, readDecrypted } from "../decryptRecords.ts"
import { notesApp, notesTable, NoteSummary, readNote } from "./Note.ts"

/** What `notes.list` and `notes.search` answer: a page of note summaries. */
export const NotesPage = Schema.Struct({
  notes: Schema.Array(NoteSummary),
  ...DecryptedPageInfo
})

export const readNotes = (includeArchived: boolean) =>
  Effect.map(
    readDecrypted(notesApp, notesTable, (data) => includeArchived || data["isArchived"] !== true),
    ({ readable, unreadable }) => ({
      notes: readable.flatMap((record) => Option.toArray(readNote(record.id, record.data))),
      unreadable
    })
  )
