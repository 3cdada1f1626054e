/**
 * `journal.update`: changes an entry's title, content, date, mood, tags or flags. Only the given
 * fields are pushed (each with its own `at`, plus `updatedAt`); title and content are encrypted
 * before they leave, and a new content also updates the plaintext word count.
 */
import { DateTime, Effect, Schema } from "effect"
import { calendarDate, flag, oneOf, orNull, tags, text, title } from "../kit/fields/index.ts"
import { loadRecord } from "../kit/loadRecord.ts"
import { definedFields, pushUpdate } from "../kit/records.ts"
import { defineTool } from "../kit/ToolSpec.ts"
import { countWords, Entry, EntryId, journalKind, journalTable, moods, readEntry } from "./Entry.ts"

const Input = Schema.Struct({
  id: EntryId,
  title: Schema.optionalWith(
    orNull(title(500, "New title"), "New title (1–500 characters, not blank), or null for none"),
    {
      exact: true
    }
  ),
  content: Schema.optionalWith(
    text({
      min: 1,
      max: 200_000,
      multiline: true,
      description: "New text, replacing the old one (1–200000 characters)"
    }),
    { exact: true }
  ),
  entryDate: Schema.optionalWith(calendarDate("The day the entry is about, YYYY-MM-DD"), { exact: true }),
  mood: Schema.optionalWith(
    orNull(
      oneOf(...moods),
      "dankbar, glücklich, zufrieden, neutral, nachdenklich, traurig, gestresst or wütend; null for none"
    ),
    { exact: true }
  ),
  tags: Schema.optionalWith(tags("The complete new tag list (replaces the old one; plaintext)"), { exact: true }),
  isPinned: Schema.optionalWith(flag("Pin the entry, or unpin it"), { exact: true }),
  isFavorite: Schema.optionalWith(flag("Mark the entry as a favourite, or unmark it"), { exact: true }),
  isArchived: Schema.optionalWith(flag("Archive (hide from lists), or unarchive"), { exact: true })
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
