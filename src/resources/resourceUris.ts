/**
 * The `mana://` resource URIs: `mana://notes/{id}`, `mana://journal/{id}`, `mana://tasks/{id}`
 * (one record each) and `mana://habits/today` (today's habit progress in the active space). Pure
 * parsing; whether the caller may see the record is decided by reading it like the tools do.
 */

export type RecordResourceKind = "notes" | "journal" | "tasks"

export type ResourceRef =
  | { readonly kind: RecordResourceKind; readonly id: string }
  | { readonly kind: "habits-today" }

export const habitsTodayUri = "mana://habits/today"

export const recordKinds: ReadonlyArray<RecordResourceKind> = ["notes", "journal", "tasks"]

/** What `resources/read` and the subscribe calls accept, for error messages. */
export const acceptedUris =
  `mana://notes/{id}, mana://journal/{id}, mana://tasks/{id} (id: a UUID from resources/list) or ${habitsTodayUri}`

const recordUri = /^mana:\/\/(notes|journal|tasks)\/([0-9A-Za-z-]{1,64})$/

const isRecordKind = (value: string | undefined): value is RecordResourceKind =>
  recordKinds.some((kind) => kind === value)

/** The resource a URI names, or `undefined` for anything that is not one of ours. */
export const parseResourceUri = (uri: string): ResourceRef | undefined => {
  if (uri === habitsTodayUri) return { kind: "habits-today" }
  const match = recordUri.exec(uri)
  const kind = match?.[1]
  const id = match?.[2]
  // Ids are UUIDs, compared lower-case like the tools' id fields do.
  return isRecordKind(kind) && id !== undefined ? { kind, id: id.toLowerCase() } : undefined
}

export const recordUriOf = (kind: RecordResourceKind, id: string): string => `mana://${kind}/${id}`
