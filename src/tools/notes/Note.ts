/**
 * The notes module's data: the `notes` record as tools return it (plaintext), the lenient reading
 * of stored web-app records (missing flags get their defaults, unknown fields are dropped) and the
 * encrypted-field registry entry (docs/upstreams.md §4.3, §4.5). No I/O here.
 */
import { type Option, Schema } from "effect"

export const notesApp = "notes"
export const notesTable = { table: "notes", fields: ["title", "content"] } as const

export const HexColor = Schema.String.pipe(Schema.pattern(/^#[0-9a-fA-F]{6}$/))

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
