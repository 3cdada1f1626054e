/**
 * Tags: a bounded list of short one-line labels. The count is checked before any tag is decoded,
 * so 50 000 tags cost one comparison, not 50 000 checks.
 */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"
import { text } from "./text.ts"

export const maxTags = 50
export const maxTagLength = 64

const Tag = text({ min: 1, max: maxTagLength, description: "One tag" })

const Counted = Schema.Array(Schema.Unknown).pipe(
  Schema.filter((list) => list.length <= maxTags ? true : `has ${list.length} tags`)
).annotations({
  jsonSchema: {
    type: "array",
    maxItems: maxTags,
    items: { type: "string", minLength: 1, maxLength: maxTagLength }
  }
})

export const tags = (description: string) =>
  Schema.compose(Counted, Schema.Array(Tag), { strict: false }).annotations({
    description,
    [AcceptsId]: `a list of at most ${maxTags} tags, each 1–${maxTagLength} characters of one-line text`
  })
