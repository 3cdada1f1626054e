/** Whole numbers with their bounds stated ("a whole number from 1 to 500"). */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

export const wholeNumber = (min: number, max: number, description: string) =>
  Schema.Number.pipe(
    Schema.filter((value) =>
      !Number.isInteger(value)
        ? "is not a whole number"
        : value < min
        ? `is less than ${min}`
        : value > max
        ? `is more than ${max}`
        : true, { jsonSchema: { type: "integer", minimum: min, maximum: max } })
  ).annotations({ description, [AcceptsId]: `a whole number from ${min} to ${max}` })
