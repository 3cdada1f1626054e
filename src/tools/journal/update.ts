/**
 * `journal.update`: changes an entry's title, content, date, mood, tags or flags. Only the given
 * fields are pushed (each with its own `at`, plus `updatedAt`); title and content are encrypted
 * before they leave, and a new content also updates the plaintext word count.
 */
import { DateTime, Effect, Schema } from "effect"
import { loadRecord } from "../loadRecord.ts"
import { definedFields, pushUpdate } from "../records.ts"
import { defineTool } from "../ToolSpec.ts"
import { countWords, Entry, EntryId, IsoDate, journalKind, journalTable, Mood, readEntry } from "./Entry.ts"

const Input = Schema.Struct({
  id: EntryId,
  title: Schema.optional(
    Schema.NullOr(Schema.String.pipe(Schema.maxLength(500))).annotations({
      description: "New title (at most 500 characters), or null for none"
    })
  ),
  content: Schema.optional(
    Schema.String.pipe(Schema.minLength(1), Schema.maxLength(200_000)).annotations({
      description: "New text, replacing the old one (1–200000 characters)"
    })
  ),
  entryDate: Schema.optional(IsoDate.annotations({ description: "The day the entry is about, YYYY-MM-DD" })),
  mood: Schema.optional(
    Schema.NullOr(Mood).annotations({
      description: "dankbar, glücklich, zufrieden, neutral, nachdenklich, traurig, gestresst or wütend; null for none"
    })
  ),
  tags: Schema.optional(
    Schema.Array(Schema.String.pipe(Schema.minLength(1), Schema.maxLength(64))).pipe(Schema.maxItems(50))
      .annotations({ description: "The complete new tag list (replaces the old one; plaintext)" })
  ),
  isPinned: Schema.optional(Schema.Boolean),
  isFavorite: Schema.optional(Schema.Boolean),
  isArchived: Schema.optional(Schema.Boolean.annotations({ description: "Archive (hide from lists), or unarchive" }))
})

export const update = defineTool({
  name: "journal.update",
  title: "Update journal entry",
  description:
    "Changes fields of one journal entry in the user's active space: any of title (null removes it), content (replaces the whole text; the word count follows), entryDate (YYYY-MM-DD), mood (German mood word or null), tags (the whole list), isPinned, isFavorite, isArchived. Fields you leave out keep their values. Returns { entry }: the entry after the change, decrypted. Fails with RecordNotFound if the id is not a live entry of the active space.",
  scope: "user-space",
  policyHint: "write",
  input: Input,
  output: Schema.Struct({ entry: Entry }),
  encryptedFields: journalTable,
  handler: ({ id, ...changes }) =>
    Effect.gen(function*() {
      const { key, value: entry } = yield* loadRecord(journalKind, id, readEntry)
      const fields = definedFields(changes)
      if (Object.keys(fields).length === 0) return { entry }
      if (changes.content !== undefined) fields["wordCount"] = countWords(changes.content)
      const now = DateTime.formatIso(yield* DateTime.now)
      fields["updatedAt"] = now
      yield* pushUpdate(journalKind, key, id, fields)
      const updated: Entry = {
        ...entry,
        ...(changes.title === undefined ? {} : { title: changes.title }),
        ...(changes.content === undefined ? {} : { content: changes.content, wordCount: countWords(changes.content) }),
        ...(changes.entryDate === undefined ? {} : { entryDate: changes.entryDate }),
        ...(changes.mood === undefined ? {} : { mood: changes.mood }),
        ...(changes.tags === undefined ? {} : { tags: changes.tags }),
        ...(changes.isPinned === undefined ? {} : { isPinned: changes.isPinned }),
        ...(changes.isFavorite === undefined ? {} : { isFavorite: changes.isFavorite }),
        ...(changes.isArchived === undefined ? {} : { isArchived: changes.isArchived }),
        updatedAt: now
      }
      return { entry: updated }
    })
})
