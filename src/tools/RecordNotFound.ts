/**
 * RecordNotFound: a tool was asked to change a record that is not a live record of the caller's
 * active space (never existed, deleted, or in another space). Raised before anything is pushed,
 * so an unknown id never creates a partial "ghost" record on the user's other devices.
 */
import { Schema } from "effect"

export class RecordNotFound extends Schema.TaggedError<RecordNotFound>()("RecordNotFound", {
  /** What the record is, for the agent: "habit", "task", … */
  kind: Schema.String,
  id: Schema.String,
  /** The tool that lists valid ids, e.g. `habits.list`. */
  listTool: Schema.String
}) {
  override get message() {
    return `No ${this.kind} with id ${this.id} exists in the active space (it may have been deleted or belong to another space). Call ${this.listTool} to get the ids of existing ${this.kind}s, then retry with one of them.`
  }
}
