/**
 * `notes.update`'s `appendContent`: the new body is the current one plus the added text on a new
 * line, computed from the content read just before the write. Refused when the note would pass
 * the content limit or when `content` (replace) is given too.
 */
import { Effect, Schema } from "effect"
import { lengthOf } from "../kit/textPreview.ts"

export const maxNoteContent = 200_000

export class ReplaceAndAppend extends Schema.TaggedError<ReplaceAndAppend>()("ReplaceAndAppend", {}) {
  override get message() {
    return "Pass either content (replaces the whole body) or appendContent (adds to its end), not both."
  }
}

export class ContentTooLong extends Schema.TaggedError<ContentTooLong>()("ContentTooLong", {
  length: Schema.Number
}) {
  override get message() {
    return `Appending would make the note ${this.length} characters long; a note holds at most ${maxNoteContent}. Nothing was written: append less, or start a new note with notes.create.`
  }
}

export const appendedContent = (current: string, added: string): Effect.Effect<string, ContentTooLong> => {
  const joined = current === "" || current.endsWith("\n") ? `${current}${added}` : `${current}\n${added}`
  const length = joined.length > maxNoteContent ? lengthOf(joined) : 0
  return length > maxNoteContent ? Effect.fail(new ContentTooLong({ length })) : Effect.succeed(joined)
}
