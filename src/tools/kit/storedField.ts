/**
 * Reading fields of stored records leniently. Records written by the web app or older clients may
 * lack a field or hold an odd value; such a field falls back instead of hiding the whole record.
 * Used by the tables' stored-shape schemas (e.g. `StoredHabit`).
 */
import { Option, Schema } from "effect"

/** A required field: the stored value when `schema` accepts it, else `fallback()`. */
export const storedOr = <A, I>(schema: Schema.Schema<A, I>, fallback: () => A) => {
  const accept = Schema.decodeUnknownOption(schema)
  return Schema.optionalToRequired(Schema.Unknown, Schema.typeSchema(schema), {
    decode: (stored) => Option.getOrElse(Option.flatMap(stored, accept), fallback),
    encode: Option.some
  })
}

/** An optional field: kept when `schema` accepts the stored value, left out otherwise. */
export const storedOptional = <A, I>(schema: Schema.Schema<A, I>) => {
  const accept = Schema.decodeUnknownOption(schema)
  return Schema.optionalToOptional(Schema.Unknown, Schema.typeSchema(schema), {
    decode: Option.flatMap(accept),
    encode: (value) => value
  })
}
