/**
 * Checking bulk items one by one: each against the single tool's input schema (defaults applied,
 * unknown properties refused), or as a record id; a bad one becomes its own reason (the first
 * few problems, rendered as input errors are), never a refused call. Duplicate ids in one call
 * are refused after their first occurrence.
 */
import { Either, Schema } from "effect"
import { recordId } from "../fields/index.ts"
import { renderIssue } from "../input/InputIssue.ts"
import { inputIssuesOf } from "../input/inputIssues.ts"

export type Checked<A> = Either.Either<A, string>

const maxIssuesPerItem = 3

export const decodeItem = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "all", onExcessProperty: "error" })
  return (item: unknown): Checked<A> =>
    Either.mapLeft(decode(item), (error) => {
      const { issues, skipped } = inputIssuesOf(error, maxIssuesPerItem)
      const more = skipped > 0 ? ` (and ${skipped} more problems)` : ""
      return `Invalid item: ${issues.map(renderIssue).join("; ")}${more}`
    })
}

const decodeId = Schema.decodeUnknownEither(recordId("id"))

/** Each id as a lowercase UUID, or the reason it is refused (not a UUID, or sent twice). */
export const decodeIds = (ids: ReadonlyArray<unknown>): ReadonlyArray<Checked<string>> => {
  const seen = new Set<string>()
  return ids.map((raw) => {
    const id = decodeId(raw)
    if (Either.isLeft(id)) {
      return Either.left("Not a record id: ids are UUIDs such as 0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d")
    }
    if (seen.has(id.right)) return Either.left(`Id ${id.right} is listed twice in this call; it is handled once`)
    seen.add(id.right)
    return Either.right(id.right)
  })
}
