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
import { foldForSearch } from "../kit/searchText.ts"
import { type Note, NoteSummary, readNote } from "./Note.ts"

/** What `notes.list` and `notes.search` answer: a page of note summaries. */
export const NotesPage = Schema.Struct({
  notes: Schema.Array(NoteSummary),
  ...DecryptedPageInfo
})

export const keepNotes = (includeArchived: boolean) => (data: Readonly<Record<string, unknown>>) =>
  includeArchived || data["isArchived"] !== true

/**
 * Notes by their decrypted record: the decryption memo hands out the same `data` object while a
 * record is unchanged, so each note is decoded once, not once per list or search.
 */
const decoded = new WeakMap<Readonly<Record<string, unknown>>, Option.Option<Note>>()

export const notesOf = (readable: ReadonlyArray<SyncRecord>): Array<Note> =>
  readable.flatMap((record) => {
    let note = decoded.get(record.data)
    if (note === undefined) {
      note = readNote(record.id, record.data)
      decoded.set(record.data, note)
    }
    return Option.toArray(note)
  })

/** Folded title and content per note, made once: searching 300 20 KB notes folded 6 MB per query. */
const lowered = new WeakMap<Note, string>()

/** True when the note's title or content contains `needle` (already folded: `textMatcher(…).needle`). */
export const noteContains = (note: Note, needle: string): boolean => {
  let text = lowered.get(note)
  if (text === undefined) {
    // The separator cannot occur in a needle (control characters are refused in tool input).
    text = `${foldForSearch(note.title)}\u0000${foldForSearch(note.content)}`
    lowered.set(note, text)
  }
  return text.includes(needle)
}
