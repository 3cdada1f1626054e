/** A true/false switch. */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

export const flag = (description: string) => Schema.Boolean.annotations({ description, [AcceptsId]: "true or false" })
