/**
 * The optional `ifUnchangedSince` guard of the update tools: refuse the update when the record's
 * last change (its newest field stamp) is later than the given instant. Without the guard an
 * update is field-level last-write-wins, as before.
 */
import { Effect, Option, Schema } from "effect"
import type { SyncRecord } from "../../../sync/SyncClient.ts"
import { parseInstantMicros } from "../../../sync/SyncWire.ts"
import { formatStamp, newestStamp } from "./changedAt.ts"
import { RecordChanged } from "./RecordChanged.ts"

/** The input field: an RFC 3339 instant, usually the `updatedAt` a get, create or update returned. */
export const optionalGuard = Schema.optionalWith(
  Schema.String.pipe(
    Schema.filter((value) =>
      value.length <= 40 && Option.isSome(parseInstantMicros(value)) ? true : "is not an RFC 3339 instant"
    )
  ).annotations({
    description:
      "Optional guard against lost updates: the updatedAt you last saw (from a get, create or update). If the record was changed after it (in the app, on another device), nothing is written and the error shows the current values to merge with; without it the given fields simply overwrite",
    examples: ["2026-05-01T12:00:00.000Z"]
  }),
  { exact: true }
)

const maxValueLength = 400
const maxCurrentLength = 3000

const shown = (value: unknown, getTool: string): unknown =>
  typeof value === "string" && value.length > maxValueLength
    ? `${value.slice(0, maxValueLength)}… (${value.length} characters in all; ${getTool} returns the whole text)`
    : value

export interface Guarded {
  readonly kind: string
  readonly updateTool: string
  readonly getTool: string
  readonly hint?: string
}

/**
 * Fails with `RecordChanged` when `stored` changed after `since`; `current` holds the plaintext
 * values of the fields the update names (what the message shows).
 */
export const checkUnchanged = (
  guarded: Guarded,
  stored: SyncRecord,
  since: string | undefined,
  current: Readonly<Record<string, unknown>>
): Effect.Effect<void, RecordChanged> => {
  if (since === undefined) return Effect.void
  const sinceMicros = Option.getOrElse(parseInstantMicros(since), () => Number.POSITIVE_INFINITY)
  const newest = newestStamp(stored)
  if (!(newest > sinceMicros)) return Effect.void
  const changedFields = Object.entries(stored.stamps ?? {})
    .filter(([field, at]) => at > sinceMicros && field !== "updatedAt")
    .map(([field]) => field)
    .sort()
  const values = Object.fromEntries(
    Object.entries(current).map(([field, value]) => [field, shown(value, guarded.getTool)])
  )
  const json = JSON.stringify(values)
  return Effect.fail(
    new RecordChanged({
      kind: guarded.kind,
      id: stored.id,
      changedAt: formatStamp(newest),
      since,
      changedFields,
      current: json.length > maxCurrentLength ? `${json.slice(0, maxCurrentLength)}…` : json,
      updateTool: guarded.updateTool,
      getTool: guarded.getTool,
      ...(guarded.hint === undefined ? {} : { hint: guarded.hint })
    })
  )
}

/** The fields of `value` named in `keys`, for the refusal's "current values". */
export const pickFields = (value: Readonly<Record<string, unknown>>, keys: ReadonlyArray<string>) =>
  Object.fromEntries(keys.map((key) => [key, value[key] ?? null]))
