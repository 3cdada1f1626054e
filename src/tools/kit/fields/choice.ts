/**
 * A closed list of allowed values, reported as one list ("one of: low, medium, high") rather
 * than one line per value.
 */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

export const oneOf = <const Values extends readonly [string, ...Array<string>]>(...values: Values) =>
  Schema.Literal(...values).annotations({ [AcceptsId]: `one of: ${values.join(", ")}` })
