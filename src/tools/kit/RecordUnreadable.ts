/**
 * RecordUnreadable: a get or update tool found the record but cannot decrypt it — in a shared
 * space usually because another member wrote it with their own key. Updating such a record would
 * mix keys in one record, so updates refuse it too. Carries no content.
 */
import { Schema } from "effect"
import { UnreadableReason } from "./decryptRecords.ts"

export class RecordUnreadable extends Schema.TaggedError<RecordUnreadable>()("RecordUnreadable", {
  kind: Schema.String,
  id: Schema.String,
  reason: UnreadableReason,
  authorId: Schema.optional(Schema.String)
}) {
  override get message() {
    return this.reason === "encrypted-by-another-member"
      ? `The ${this.kind} ${this.id} belongs to another member of this shared space (user ${
        this.authorId ?? "unknown"
      }) and is encrypted with their key, so it can neither be read nor changed here. Ask that member to change it.`
      : `The ${this.kind} ${this.id} cannot be decrypted (corrupt, or encrypted with a key this account no longer has); it can neither be read nor changed here.`
  }
}
