/** `field` or `null`, with "or null" added to what the field accepts. */
import { Schema } from "effect"
import { AcceptsId, acceptsOf } from "./accepts.ts"

export const orNull = <A, I>(field: Schema.Schema<A, I>, description?: string) => {
  const accepts = acceptsOf(field.ast)
  return Schema.NullOr(field).annotations({
    ...(description === undefined ? {} : { description }),
    ...(accepts === undefined ? {} : { [AcceptsId]: `${accepts}, or null` })
  })
}
