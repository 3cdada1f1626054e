/**
 * `journal.add`: writes a journal entry in the active space. Title and content are encrypted with
 * the caller's master key before they leave the gateway; date, mood, tags and the word count stay
 * plaintext, as the web app stores them. The default date is today in UTC by the Effect Clock.
 */
import { Effect, Schema } from "effect"
import { createEncrypted, type EncryptedCreate } from "../kit/encryptedInsert.ts"
import { calendarDate, oneOf, orNull, tags, text, title } from "../kit/fields/index.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { countWords, Entry, journalApp, journalTable, moods } from "./Entry.ts"

const Input = Schema.Struct({
  title: Schema.optionalWith(
    orNull(title(500, "Title"), "Optional title (1–500 characters, not blank); default null"),
    { default: () => null }
  ),
  content: text({ min: 1, max: 200_000, multiline: true, description: "The entry's text (1–200000 characters)" }),
  entryDate: Schema.optionalWith(
    calendarDate("The day the entry is about, YYYY-MM-DD; default today (UTC)"),
    { exact: true }
  ),
  mood: Schema.optionalWith(
    orNull(
      oneOf(...moods),
      "The user's mood, one of the German words dankbar, glücklich, zufrieden, neutral, nachdenklich, traurig, gestresst, wütend; or null"
    ),
    { default: () => null }
  ),
  tags: Schema.optionalWith(
    tags("Plain-text tags (not encrypted), at most 50 of 1–64 characters; default none"),
    { default: () => [] }
  )
})

const Output = Schema.Struct({ entry: Entry })

export const add = defineTool({
  name: "journal.add",
  title: "Add journal entry",
  description:
    "Adds an entry to the user's journal in the active space. Returns { entry } with its id and word count. Content 1–200000 characters, optional title (≤500), date YYYY-MM-DD (default today, UTC), optional mood (German words: dankbar, glücklich, zufrieden, neutral, nachdenklich, traurig, gestresst, wütend) and tags. Title and content are encrypted; date, mood and tags are not. Fails if the user's data is end-to-end encrypted (zero-knowledge) or their encryption vault is not set up.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Output,
  encryptedFields: journalTable,
  handler: (input): EncryptedCreate<typeof Output.Type> =>
    createEncrypted(journalApp, journalTable, ({ id, now }) =>
      Effect.succeed<Entry>({
        id,
        title: input.title,
        content: input.content,
        entryDate: input.entryDate ?? now.slice(0, 10),
        mood: input.mood,
        tags: input.tags,
        wordCount: countWords(input.content),
        isPinned: false,
        isFavorite: false,
        isArchived: false,
        createdAt: now,
        updatedAt: now
      })).pipe(Effect.map((entry) => ({ entry })))
})
