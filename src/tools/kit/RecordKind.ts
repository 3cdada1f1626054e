/**
 * RecordKind: what the generic record helpers need to know about one module's table — the sync
 * app, the table and its encrypted fields, the noun agents read in messages, the tool that lists
 * valid ids, and how to name a record for people (its title, decrypted). Data only.
 */
import type { EncryptedFields } from "./ToolSpec.ts"

export interface RecordKind {
  readonly module: string
  readonly app: string
  readonly table: EncryptedFields
  /** "task", "note", … for messages. */
  readonly noun: string
  /** The tool that lists ids of this kind, e.g. `todo.list`. */
  readonly listTool: string
  /** A short human name for a (decrypted) record: its title, or what stands in for one. */
  readonly labelOf: (data: Readonly<Record<string, unknown>>) => string | null
}

/** `labelOf` for tables whose `title` is a plain string. */
export const titleLabel = (data: Readonly<Record<string, unknown>>): string | null => {
  const title = data["title"]
  return typeof title === "string" && title.trim() !== "" ? title : null
}
