/**
 * The `*.delete` tools, one shape for every module: check that the record is live in the active
 * space (`RecordNotFound` otherwise, nothing pushed), soft-delete it (`op: "delete"` with
 * `deletedAt`; never a hard delete, so `trash.restore` can undo it) and answer with its table,
 * id and title. They are `policyHint: "destructive"`: in enforce mode the user confirms first
 * (see docs/tools.md), and the confirmation prompt names the record by its title.
 */
import { Effect, Schema } from "effect"
import { recordId } from "./fields/index.ts"
import type { RecordKind } from "./RecordKind.ts"
import { labelFor } from "./recordLabel.ts"
import { findLive, pushSoftDelete } from "./records.ts"
import { defineTool } from "./ToolSpec.ts"

export const DeletedRecord = Schema.Struct({
  table: Schema.String,
  id: Schema.String,
  title: Schema.NullOr(Schema.String).annotations({
    description: "The record's title (null if it has none or cannot be decrypted)"
  })
})

/** What every `*.delete` tool answers; tests decode results with it too. */
export const DeleteResult = Schema.Struct({
  outcome: Schema.Literal("deleted", "declined", "cancelled").annotations({
    description:
      "deleted: moved to the trash; declined / cancelled: the user was asked to confirm and said no, nothing was changed"
  }),
  deleted: Schema.optional(DeletedRecord),
  message: Schema.String.annotations({ description: "What happened, and how to undo a delete" })
})
const Output = DeleteResult
type Output = typeof Output.Type

const deletedMessage = (table: string, id: string) =>
  `Moved to the trash. To undo, call trash.restore with { "table": "${table}", "id": "${id}" }.`

const declinedOutput = (kind: RecordKind) => (answer: "declined" | "cancelled"): Output => ({
  outcome: answer,
  message:
    `The user ${answer} the confirmation: nothing was deleted, the ${kind.noun} is unchanged. Do not retry unless the user asks again.`
})

/** The question the user answers before a destructive call runs (enforce mode). */
const confirmationFor = (kind: RecordKind, id: string) =>
  Effect.gen(function*() {
    const record = yield* findLive(kind, id)
    const label = yield* labelFor(kind, record)
    const named = label === null ? `the ${kind.noun} ${id}` : `the ${kind.noun} "${label}"`
    return `Delete ${named}? It moves to the trash and disappears from your ${kind.module} lists; it can be restored from the trash.`
  })

export const makeDeleteTool = (
  kind: RecordKind,
  spec: { readonly name: string; readonly title: string; readonly idDescription: string; readonly extra?: string }
) =>
  defineTool({
    name: spec.name,
    title: spec.title,
    description:
      `Deletes one ${kind.noun} of the user's active Mana space by moving it to the trash (a soft delete: trash.list shows it, trash.restore brings it back). Returns { outcome: "deleted", deleted: { table, id, title }, message } — or, if the user was asked to confirm and said no, { outcome: "declined" | "cancelled", message } with nothing changed. ${
        spec.extra ?? ""
      }Destructive: depending on the gateway's policy the user is asked to confirm first. Fails with RecordNotFound if the id is not a live ${kind.noun} of the active space (use ${kind.listTool}).`,
    scope: "user-space",
    policyHint: "destructive",
    input: Schema.Struct({ id: recordId(spec.idDescription) }),
    output: Output,
    ...(kind.table.fields.length > 0 ? { encryptedFields: kind.table } : {}),
    confirmation: { prompt: ({ id }) => confirmationFor(kind, id), declined: declinedOutput(kind) },
    handler: ({ id }) =>
      Effect.gen(function*() {
        const record = yield* findLive(kind, id)
        const title = yield* labelFor(kind, record)
        yield* pushSoftDelete(kind, id)
        const output: Output = {
          outcome: "deleted",
          deleted: { table: kind.table.table, id, title },
          message: deletedMessage(kind.table.table, id)
        }
        return output
      })
  })
