/**
 * RecordNotFound: a tool was asked to change a record that is not a live record of the caller's
 * active space (never existed, deleted, or in another space). Raised before anything is pushed,
 * so an unknown id never creates a partial "ghost" record on the user's other devices.
 */
import { Effect, Schema } from "effect"

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

/** The record `id` among the live `records` of the active space, or `RecordNotFound` naming `kind` and `listTool`. */
export const requireRecord = <A extends { readonly id: string }>(
  records: ReadonlyArray<A>,
  id: string,
  what: { readonly kind: string; readonly listTool: string }
): Effect.Effect<A, RecordNotFound> => {
  const found = records.find((record) => record.id === id)
  return found === undefined ? Effect.fail(new RecordNotFound({ id, ...what })) : Effect.succeed(found)
}
