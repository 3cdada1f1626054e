/**
 * The body of `POST /sync/{appId}` as the dev mana-sync reads it: lenient like Go's JSON decoding
 * (missing or null keys are zero values), and how one change is split into the stored `data` and
 * `field_meta` columns (docs/upstreams.md §3.3). Validation of ops, tables and ids is the
 * engine's, because it must report the index of the first bad change.
 */
import { Schema } from "effect"
import type { StoredRow } from "./syncLog.ts"

const Nullish = <S extends Schema.Schema.Any>(schema: S) => Schema.optional(Schema.NullOr(schema))
const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const PushChange = Schema.Struct({
  table: Nullish(Schema.String),
  id: Nullish(Schema.String),
  op: Nullish(Schema.String),
  data: Nullish(JsonObject),
  fields: Nullish(
    Schema.Record({
      key: Schema.String,
      value: Schema.Struct({ value: Schema.optional(Schema.Unknown), at: Nullish(Schema.String) })
    })
  ),
  deletedAt: Nullish(Schema.String),
  spaceId: Nullish(Schema.String),
  actor: Schema.optional(Schema.Unknown),
  origin: Nullish(Schema.String)
})
export const PushBody = Schema.Struct({
  clientId: Nullish(Schema.String),
  since: Nullish(Schema.String),
  schemaVersion: Nullish(Schema.Number),
  changes: Nullish(Schema.Array(PushChange))
})
export type PushChange = typeof PushChange.Type

/** Splits a change into the stored `data` and `field_meta` columns (docs/upstreams.md §3.3). */
export const columns = (change: PushChange): Pick<StoredRow, "data" | "fieldMeta"> => {
  switch (change.op) {
    case "update": {
      const data: Record<string, unknown> = {}
      const fieldMeta: Record<string, string> = {}
      for (const [key, field] of Object.entries(change.fields ?? {})) {
        data[key] = field.value ?? null
        fieldMeta[key] = field.at ?? ""
      }
      return { data, fieldMeta }
    }
    case "delete": {
      const data = { ...(change.data ?? {}) }
      if (typeof change.deletedAt === "string") data["deletedAt"] = change.deletedAt
      return { data, fieldMeta: {} }
    }
    default:
      return { data: change.data ?? {}, fieldMeta: {} }
  }
}
