/**
 * Record ids. Mana ids are lowercase UUIDs; an id in upper or mixed case is the same id, so it is
 * lowercased before it is checked and used (otherwise it would pass a format check and then not
 * be found).
 */
import { Schema } from "effect"
import { AcceptsId } from "./accepts.ts"

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

const checked = Schema.String.pipe(
  Schema.filter((value) => value.length <= 36 && uuid.test(value) ? true : "is not a UUID")
)

/** A record id (UUID, any case; normalised to lowercase). */
export const recordId = (description: string) =>
  Schema.transform(
    Schema.String.annotations({ jsonSchema: { type: "string", format: "uuid" } }),
    checked,
    { strict: true, decode: (value) => value.trim().toLowerCase(), encode: (value) => value }
  ).annotations({ description, [AcceptsId]: "a UUID such as 0b0e3a4c-5d6f-4a7b-8c9d-0e1f2a3b4c5d" })
