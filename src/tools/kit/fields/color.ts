/** Colours as the web app stores them: `#RRGGBB`. */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

const rgb = /^#[0-9a-fA-F]{6}$/

export const hexColor = (description: string) =>
  Schema.String.pipe(
    Schema.filter((value) => value.length === 7 && rgb.test(value) ? true : "is not a #RRGGBB colour", {
      jsonSchema: { pattern: rgb.source }
    })
  ).annotations({ description, [AcceptsId]: "a colour as #RRGGBB, e.g. #6366f1" })
