/**
 * The mana-sync wire format shared by the client layers and the dev engine: the change object
 * as the server emits it on pull (docs/upstreams.md §3.2, §3.4), the pull response, and instant parsing.
 * Timestamps are compared as instants, never as strings, because JS `toISOString()` and Go
 * RFC3339Nano strings do not sort alike. Folding and transport live elsewhere.
 */
import { Option, Schema } from "effect"

export const ChangeOp = Schema.Literal("insert", "update", "delete")
export type ChangeOp = typeof ChangeOp.Type

export const FieldChange = Schema.Struct({
  value: Schema.optional(Schema.Unknown),
  at: Schema.optional(Schema.String)
})

/** One change as emitted by mana-sync (every key but table/id/op may be omitted). */
export const WireChange = Schema.Struct({
  eventId: Schema.optional(Schema.String),
  schemaVersion: Schema.optional(Schema.Number),
  table: Schema.String,
  id: Schema.String,
  op: ChangeOp,
  data: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: FieldChange })),
  deletedAt: Schema.optional(Schema.String),
  spaceId: Schema.optional(Schema.String),
  actor: Schema.optional(Schema.Unknown),
  origin: Schema.optional(Schema.String)
})
export type WireChange = typeof WireChange.Type

export const PullResponse = Schema.Struct({
  serverChanges: Schema.Array(WireChange),
  syncedUntil: Schema.String,
  hasMore: Schema.optional(Schema.Boolean)
})
export type PullResponse = typeof PullResponse.Type

export const EPOCH = "1970-01-01T00:00:00.000Z"

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|([+-])(\d{2}):(\d{2}))$/

/** Microseconds since the epoch of an RFC3339(-nano) timestamp; `None` if it does not parse. */
export const parseInstantMicros = (text: string): Option.Option<number> => {
  const m = rfc3339.exec(text)
  if (m === null) return Option.none()
  const [, y, mo, d, h, mi, s, frac, zone, sign, oh, om] = m
  const millis = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s))
  if (!Number.isFinite(millis)) return Option.none()
  const micros = Number((frac ?? "").padEnd(6, "0").slice(0, 6))
  const offsetMinutes = zone === "Z" || zone === "z" ? 0 : (Number(oh) * 60 + Number(om)) * (sign === "-" ? -1 : 1)
  return Option.some(millis * 1000 + micros - offsetMinutes * 60_000_000)
}

/** An instant for ordering: epoch microseconds, or −∞ for a missing or unparseable value (every real stamp beats it). */
export const instantOf = (value: unknown): number =>
  typeof value === "string"
    ? Option.getOrElse(parseInstantMicros(value), () => Number.NEGATIVE_INFINITY)
    : Number.NEGATIVE_INFINITY

/** Formats epoch microseconds as RFC3339 with six fractional digits, like Postgres timestamps. */
export const formatInstantMicros = (micros: number): string => {
  const millis = Math.floor(micros / 1000)
  const iso = new Date(millis).toISOString() // millis come from the caller (Clock-derived), not "now"
  const fraction = String(micros - Math.floor(micros / 1_000_000) * 1_000_000).padStart(6, "0")
  return `${iso.slice(0, 19)}.${fraction}Z`
}
