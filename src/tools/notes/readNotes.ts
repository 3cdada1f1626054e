/**
 * The shared read of `notes.list` and `notes.search`: which records to decrypt (`isArchived` is
 * plaintext, so archived notes are dropped before paying for decryption), the decrypted records as
 * notes, and the page both answer with. A note that cannot be decrypted is reported in
 * `unreadable` instead of failing the call (`rememberDecryptedDerivation`, which also remembers
 * each tool's page per table state, key and input).
 */
import { Effect, Option, Schema } from "effect"
import type { SyncRecord } from "../../sync/SyncClient.ts"
import { DecryptedPageInfo } from "../kit/decryptRecords.ts"
import { filterInSteps } from "../kit/filterInSteps.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
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
const noteOf = memoByIdentity((data: Readonly<Record<string, unknown>>, id: string) => readNote(id, data))

/** Folded title and content per note, made once: searching 300 20 KB notes folded 6 MB per query. */
// The separator cannot occur in a needle (control characters are refused in tool input).
const foldedNote = memoByIdentity((note: Note) => `${foldForSearch(note.title)}\u0000${foldForSearch(note.content)}`)

export const notesOf = (readable: ReadonlyArray<SyncRecord>): Effect.Effect<Array<Note>> =>
  Effect.map(noteOf, (decode) => readable.flatMap((record) => Option.toArray(decode(record.data, record.id))))

/** The notes whose title or content contains `needle` (already folded: `textMatcher(…).needle`); all for "". */
export const notesContaining = (notes: Array<Note>, needle: string): Effect.Effect<Array<Note>> =>
  needle === ""
    ? Effect.succeed(notes)
    : Effect.flatMap(foldedNote, (folded) => filterInSteps(notes, (note) => folded(note).includes(needle)))
