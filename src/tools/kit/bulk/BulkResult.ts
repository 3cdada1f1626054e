/**
 * What every bulk tool answers: one entry per item, in the order sent — done (or, in a dry run,
 * would be done), unchanged, or refused with the reason — plus counts and one sentence. Partial
 * success is reported as it is: the done items are written, the refused ones are not.
 */
import { Schema } from "effect"

export const ItemStatus = Schema.Literal("done", "wouldBeDone", "unchanged", "refused")
export type ItemStatus = typeof ItemStatus.Type

export const ItemResult = Schema.Struct({
  index: Schema.Int.annotations({ description: "The item's position in items / ids, from 0" }),
  status: ItemStatus.annotations({
    description:
      "done: written; wouldBeDone: a dry run found nothing against it; unchanged: already so, nothing to write; refused: not written, see error"
  }),
  id: Schema.optional(Schema.String.annotations({ description: "The record's id" })),
  title: Schema.optional(Schema.NullOr(Schema.String).annotations({ description: "The record's title, if readable" })),
  updatedAt: Schema.optional(
    Schema.String.annotations({ description: "The record's last change after this call (done items)" })
  ),
  error: Schema.optional(Schema.String.annotations({ description: "Why the item was refused, and what is accepted" }))
}).annotations({ identifier: "BulkItemResult" })
export type ItemResult = typeof ItemResult.Type

export const BulkResult = Schema.Struct({
  dryRun: Schema.Boolean,
  done: Schema.Int.annotations({ description: "Items written (or, in a dry run, that would be)" }),
  unchanged: Schema.Int,
  refused: Schema.Int,
  results: Schema.Array(ItemResult).annotations({ description: "One entry per item, in the order sent" }),
  message: Schema.String.annotations({ description: "What happened, in one sentence" })
}).annotations({ identifier: "BulkResult" })
export type BulkResult = typeof BulkResult.Type

/** Counts and the sentence for `results`. `verb` in the past tense: "created", "completed", … */
export const bulkResult = (results: ReadonlyArray<ItemResult>, dryRun: boolean, verb: string): BulkResult => {
  const count = (status: ItemStatus) => results.filter((result) => result.status === status).length
  const done = count("done") + count("wouldBeDone")
  const unchanged = count("unchanged")
  const refused = count("refused")
  const head = dryRun
    ? `Dry run, nothing written: ${done} of ${results.length} would be ${verb}`
    : `${done} of ${results.length} ${verb}`
  const tail = [
    unchanged > 0 ? `${unchanged} already so` : "",
    refused > 0 ? `${refused} refused (see their error; fix and resend only those)` : ""
  ].filter((part) => part !== "")
  return {
    dryRun,
    done,
    unchanged,
    refused,
    results,
    message: `${head}${tail.length === 0 ? "" : `; ${tail.join("; ")}`}.`
  }
}

export const refusedItem = (index: number, error: string, id?: string): ItemResult => ({
  index,
  status: "refused",
  ...(id === undefined ? {} : { id }),
  error
})
