/**
 * `notes.create`: adds a note to the active space. Title and content are encrypted with the
 * caller's master key before they leave the gateway; colour and flags stay plaintext, as the web
 * app stores them.
 */
import { Effect, Schema } from "effect"
import { createEncrypted, type EncryptedCreate } from "../kit/encryptedInsert.ts"
import { flagOffByDefault, hexColor, orNull, text, title } from "../kit/fields/index.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { Note, notesApp, notesTable } from "./Note.ts"

const Input = Schema.Struct({
  title: title(500, "The note's title (1–500 characters)"),
  content: Schema.optionalWith(
    text({
      min: 0,
      max: 200_000,
      multiline: true,
      description: "Markdown body (at most 200000 characters); default empty"
    }),
    { default: () => "" }
  ),
  color: Schema.optionalWith(
    orNull(hexColor("Colour as #RRGGBB"), "Colour as #RRGGBB, or null for none; default null"),
    { default: () => null }
  ),
  isPinned: flagOffByDefault("Pin the note to the top; default false")
})

const Output = Schema.Struct({ note: Note })

export const create = defineTool({
  name: "notes.create",
  title: "Create note",
  description:
    "Creates a note in the user's active space. Returns { note } with the new note's id. Title 1–500 characters, markdown content up to 200000, optional #RRGGBB colour, optional pin. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  encryptedFields: notesTable,
  handler: (input): EncryptedCreate<typeof Output.Type> =>
    createEncrypted(notesApp, notesTable, ({ id, now }) =>
      Effect.succeed<Note>({
        id,
        title: input.title,
        content: input.content,
        color: input.color,
        isPinned: input.isPinned,
        isArchived: false,
        createdAt: now,
        updatedAt: now
      })).pipe(Effect.map((note) => ({ note })))
})
