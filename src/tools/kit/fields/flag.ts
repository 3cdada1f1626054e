/** A true/false switch. */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

export const flag = (description: string) => Schema.Boolean.annotations({ description, [AcceptsId]: "true or false" })

/** An optional switch that is off unless sent (the JSON Schema states `default: false`). */
export const flagOffByDefault = (description: string) =>
  Schema.optionalWith(flag(description), { default: () => false })
