/**
 * `notes.search`: finds notes in the active space whose decrypted title or content contains the
 * query (case-insensitive), most recently updated first. Matching has to happen after decryption,
 * so every note of the space is decrypted; a note that cannot be is reported by id in `unreadable`
 * instead of failing the search.
 */
import { Effect, Option, Schema } from "effect"
import { type Caller } from "../../domain/Caller.ts"
import type { Crypto } from "../../keys/Crypto.ts"
import { type MasterKeys } from "../../keys/MasterKeys.ts"
import type { MasterKeyError } from "../../keys/VaultErrors.ts"
import { type SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import { readDecrypted, UnreadableRecord } from "../decryptRecords.ts"
import { byLastTouched } from "../recordOrder.ts"
import { defineTool } from "../ToolSpec.ts"
import { Note, notesApp, notesTable, readNote } from "./Note.ts"

const Input = Schema.Struct({
  query: Schema.optionalWith(
    Schema.String.pipe(Schema.maxLength(500)).annotations({
      description:
        "Text to look for in titles and contents, case-insensitive (at most 500 characters); empty matches every note"
    }),
    { default: () => "" }
  ),
  includeArchived: Schema.optionalWith(
    Schema.Boolean.annotations({ description: "Also search archived notes; default false" }),
    { default: () => false }
  ),
  limit: Schema.optionalWith(
    Schema.Int.pipe(Schema.between(1, 100)).annotations({
      description: "Maximum number of notes to return (1–100); default 20"
    }),
    { default: () => 20 }
  )
})

const Output = Schema.Struct({ notes: Schema.Array(Note), unreadable: Schema.Array(UnreadableRecord) })

export const search = defineTool({
  name: "notes.search",
  title: "Search notes",
  description:
    "Searches the notes in the user's active space for text in the title or content (case-insensitive substring; an empty query matches all notes). Returns { notes, unreadable }: at most `limit` notes (default 20, max 100), most recently updated first, archived notes only if includeArchived is true; `unreadable` lists ids of notes that could not be decrypted. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.",
  scope: "user-space",
  policyHint: "read",
  input: Input,
  output: Output,
  encryptedFields: notesTable,
  handler: (
    input
  ): Effect.Effect<typeof Output.Type, SyncError | MasterKeyError, Caller | SyncClient | MasterKeys | Crypto> =>
    Effect.gen(function*() {
      const { readable, unreadable } = yield* readDecrypted(
        notesApp,
        notesTable,
        (data) => input.includeArchived || data["isArchived"] !== true
      )
      const needle = input.query.trim().toLowerCase()
      const notes = readable
        .flatMap((record) => Option.toArray(readNote(record.id, record.data)))
        .filter((note) => note.title.toLowerCase().includes(needle) || note.content.toLowerCase().includes(needle))
        .sort(byLastTouched)
        .slice(0, input.limit)
      return { notes, unreadable }
    })
})
