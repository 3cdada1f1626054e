/**
 * RecordChanged: an update with `ifUnchangedSince` found the record changed after that instant
 * (by the web app, another device or another member), so nothing was written. The message shows
 * the current values of the fields the update meant to change (bounded) and how to merge.
 */
import { Schema } from "effect"

export class RecordChanged extends Schema.TaggedError<RecordChanged>()("RecordChanged", {
  kind: Schema.String,
  id: Schema.String,
  /** The record's last change, to pass as the next `ifUnchangedSince` after merging. */
  changedAt: Schema.String,
  since: Schema.String,
  /** Fields changed after `since`. */
  changedFields: Schema.Array(Schema.String),
  /** JSON of the current values of the fields in question, long texts cut. */
  current: Schema.String,
  updateTool: Schema.String,
  getTool: Schema.String,
  hint: Schema.optional(Schema.String)
}) {
  override get message() {
    const fields = this.changedFields.length === 0 ? "" : ` (changed since: ${this.changedFields.join(", ")})`
    return `The ${this.kind} ${this.id} was changed at ${this.changedAt}, after ifUnchangedSince ${this.since}${fields}, so nothing was written. Current values of the fields you meant to change: ${this.current}. To merge: combine your change with these current values (keep the other edits unless the user wants them undone), then call ${this.updateTool} again with ifUnchangedSince "${this.changedAt}"; ${this.getTool} shows the whole ${this.kind}.${
      this.hint === undefined ? "" : ` ${this.hint}`
    }`
  }
}
