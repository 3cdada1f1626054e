/**
 * The `*.deleteMany` tools: up to 50 records of one kind moved to the trash in one call and one
 * push (soft deletes, each undone by trash.restore). Destructive: in enforce mode the user is
 * asked once, and the question names how many records and the first few titles. A dry run asks
 * nothing and writes nothing. Declined or cancelled: nothing is deleted.
 */
import { Effect, Either, Schema } from "effect"
import type { RecordKind } from "../RecordKind.ts"
import { labelWith, optionalKey } from "../recordLabel.ts"
import { defineTool } from "../ToolSpec.ts"
import { dryRunField, idsField, maxBulkItems } from "./bulkFields.ts"
import { BulkResult } from "./BulkResult.ts"
import { checkedIds, overIds } from "./overIds.ts"

export const DeleteManyResult = Schema.Struct({
  outcome: Schema.Literal("deleted", "declined", "cancelled").annotations({
    description:
      "deleted: the call ran (see results; a dry run deletes nothing); declined / cancelled: the user was asked to confirm and said no, nothing was deleted"
  }),
  ...BulkResult.fields
}).annotations({ identifier: "DeleteManyResult" })

/** Every id was refused before anyone could be asked: nothing to confirm, nothing deleted. */
export class NothingToDelete extends Schema.TaggedError<NothingToDelete>()("NothingToDelete", {
  noun: Schema.String,
  listTool: Schema.String
}) {
  override get message() {
    return `None of the ids is a live ${this.noun} of the active space, so nothing was deleted. Call ${this.listTool} for valid ids.`
  }
}

const shownTitles = 3

/**
 * "Delete 12 tasks ("A", "B", "C" and 9 more)? …" — the count and the first few titles; only the
 * titles shown are decrypted.
 */
const promptFor = (kind: RecordKind, ids: ReadonlyArray<unknown>) =>
  Effect.gen(function*() {
    const live = (yield* checkedIds(kind, ids)).flatMap((entry) => Either.isRight(entry) ? [entry.right] : [])
    if (live.length === 0) return yield* new NothingToDelete({ noun: kind.noun, listTool: kind.listTool })
    const key = yield* optionalKey
    const names = yield* Effect.forEach(
      live.slice(0, shownTitles),
      (record) => Effect.map(labelWith(kind, key, record), (title) => title === null ? record.id : `"${title}"`)
    )
    const more = live.length > shownTitles ? ` and ${live.length - shownTitles} more` : ""
    const noun = live.length === 1 ? kind.noun : `${kind.noun}s`
    return `Delete ${live.length} ${noun} (${
      names.join(", ")
    }${more})? They move to the trash and disappear from your ${kind.module} lists; each can be restored from the trash.`
  })

export const makeDeleteManyTool = (kind: RecordKind, spec: { readonly name: string; readonly title: string }) =>
  defineTool({
    name: spec.name,
    title: spec.title,
    description:
      `Deletes up to ${maxBulkItems} ${kind.noun}s of the user's active Mana space in one call by moving them to the trash (soft deletes: trash.restore brings each back). ids: from ${kind.listTool}. Each id is checked on its own: one that is not a live ${kind.noun} is refused with the reason, the rest are deleted. Destructive: depending on the gateway's policy the user is asked once to confirm, with the count and the first titles; if they say no, nothing is deleted and outcome is "declined" or "cancelled". dryRun: true answers what would be deleted without asking or writing. Returns { outcome, dryRun, done, unchanged, refused, results, message } with one entry per id, in order.`,
    scope: "user-space",
    policyHint: "destructive",
    input: Schema.Struct({
      ids: idsField(`The ids of the ${kind.noun}s to delete (1–${maxBulkItems}), from ${kind.listTool}`),
      dryRun: dryRunField
    }),
    output: DeleteManyResult,
    ...(kind.table.fields.length > 0 ? { encryptedFields: kind.table } : {}),
    confirmation: {
      prompt: ({ ids }) => promptFor(kind, ids),
      declined: (answer) => ({
        outcome: answer,
        dryRun: false,
        done: 0,
        unchanged: 0,
        refused: 0,
        results: [],
        message: `The user ${answer} the confirmation: nothing was deleted. Do not retry unless the user asks again.`
      })
    },
    handler: ({ dryRun, ids }) =>
      Effect.map(
        overIds(kind, ids, dryRun, "moved to the trash", (record) => ({
          status: "done",
          change: { op: "delete", table: kind.table.table, id: record.id }
        })),
        (result) => ({ outcome: "deleted" as const, ...result })
      )
  })
