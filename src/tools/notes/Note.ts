/**
 * The notes module's data: the `notes` record as tools return it (plaintext), the lenient reading
 * of stored web-app records (missing flags get their defaults, unknown fields are dropped) and the
 * encrypted-field registry entry (docs/upstreams.md §4.3, §4.5). No I/O here.
 */
import { type Option, Schema } from "effect"
import { recordId } from "../kit/fields/index.ts"
import { type RecordKind, titleLabel } from "../kit/RecordKind.ts"
import { lengthOf, PreviewLength, previewOf } from "../kit/textPreview.ts"

export const notesApp = "notes"
export const notesTable = { table: "notes", fields: ["title", "content"] } as const

export const noteKind: RecordKind = {
  module: "notes",
  app: notesApp,
  table: notesTable,
  noun: "note",
  listTool: "notes.list",
  labelOf: titleLabel
}

export const NoteId = recordId("The note's id (a UUID from notes.list or notes.search)")

export const Note = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  content: Schema.String,
  color: Schema.NullOr(Schema.String),
  isPinned: Schema.Boolean,
  isArchived: Schema.Boolean,
  createdAt: Schema.optional(Schema.String),
  updatedAt: Schema.optional(Schema.String)
}).annotations({ identifier: "Note", description: "A note, decrypted; content is markdown" })
export type Note = typeof Note.Type

/** A note in list and search results: the content cut to a preview, with its full length. */
// The full note with its content replaced by a preview, in the same order.
const { content: _content, id: noteId, title: noteTitle, ...noteRest } = Note.fields
export const NoteSummary = Schema.Struct({
  id: noteId,
  title: noteTitle,
  contentPreview: Schema.String,
  contentLength: PreviewLength,
  ...noteRest
}).annotations({ identifier: "NoteSummary", description: "A note, decrypted; call notes.get for the full content" })
export type NoteSummary = typeof NoteSummary.Type

export const summarizeNote = ({ content, ...rest }: Note): NoteSummary => ({
  ...rest,
  contentPreview: previewOf(content),
  contentLength: lengthOf(content)
})

// A row without a string title is a partial record and is skipped (docs/upstreams.md §3.7).
const StoredNote = Schema.Struct({
  id: Schema.String,
  title: Schema.String,
  content: Schema.optionalWith(Schema.String, { nullable: true, default: () => "" }),
  color: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  isPinned: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  isArchived: Schema.optionalWith(Schema.Boolean, { nullable: true, default: () => false }),
  createdAt: Schema.optionalWith(Schema.String, { nullable: true }),
  updatedAt: Schema.optionalWith(Schema.String, { nullable: true })
})

/** A decrypted stored record as a `Note`, or `None` when it lacks required fields. */
export const readNote = (id: string, data: Readonly<Record<string, unknown>>): Option.Option<Note> =>
  Schema.decodeUnknownOption(StoredNote)({ ...data, id })
