/**
 * A record's last change as the fold sees it: the newest of its field stamps. A web-app edit of
 * one field carries that field's stamp and often no new `updatedAt`, so the stored `updatedAt`
 * alone would miss it; the newest stamp does not. Reported as the tools' `updatedAt` and compared
 * with `ifUnchangedSince`.
 */
import type { SyncRecord } from "../../../sync/SyncClient.ts"
import { formatInstantMicros } from "../../../sync/SyncWire.ts"

/** The newest field stamp (epoch microseconds), −∞ when the record has none. */
export const newestStamp = (record: SyncRecord): number => {
  let newest = Number.NEGATIVE_INFINITY
  for (const at of Object.values(record.stamps ?? {})) if (at > newest) newest = at
  return newest
}

/** RFC 3339 in UTC: milliseconds when the stamp has no finer part (as the gateway writes), else microseconds. */
export const formatStamp = (micros: number): string =>
  micros % 1000 === 0 ? new Date(micros / 1000).toISOString() : formatInstantMicros(micros)

/** `record`'s last change as text, or `undefined` when it carries no stamp. */
export const changedAtOf = (record: SyncRecord): string | undefined => {
  const newest = newestStamp(record)
  return Number.isFinite(newest) ? formatStamp(newest) : undefined
}

/** `value` with `updatedAt` set to the stored record's last change (kept as is without stamps). */
export const withChangedAt = <A extends { readonly updatedAt?: string | undefined }>(
  value: A,
  stored: SyncRecord
): A => {
  const changedAt = changedAtOf(stored)
  return changedAt === undefined ? value : { ...value, updatedAt: changedAt }
}

/** The later of two RFC 3339 instants (for a record's last change after a write). */
export const laterOf = (a: string | undefined, b: string): string => {
  if (a === undefined) return b
  return Date.parse(a) > Date.parse(b) ? a : b
}
