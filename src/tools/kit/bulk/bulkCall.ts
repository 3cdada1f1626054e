/**
 * What the invoke pipeline needs to know of a bulk call, from its decoded input alone: how many
 * items (`items` or `ids`) and whether it is a dry run. A dry run writes nothing, so it is gated
 * as a write (no confirmation asked) and not counted against the item budget; it is still one
 * call for the rate limit.
 */
import type { PolicyHint } from "../../../domain/PolicyHint.ts"

export interface BulkCall {
  readonly items: number
  readonly dryRun: boolean
}

export const bulkCallOf = (input: unknown): BulkCall | undefined => {
  if (typeof input !== "object" || input === null || !("dryRun" in input)) return undefined
  const list = "items" in input ? input.items : "ids" in input ? input.ids : undefined
  return Array.isArray(list) ? { items: list.length, dryRun: input.dryRun === true } : undefined
}

/** The hint the gate applies: a destructive tool's dry run changes nothing, so nobody is asked. */
export const gatedHint = (hint: PolicyHint, bulk: BulkCall | undefined): PolicyHint =>
  hint === "destructive" && bulk?.dryRun === true ? "write" : hint
