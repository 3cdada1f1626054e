/**
 * What a subscription compares to decide that a resource changed: a digest of the stored records
 * the caller can see (space and visibility filtered by `SyncClient.read`, encrypted fields still
 * encrypted — nothing is decrypted to watch). A record the caller cannot see has no state, so a
 * change to it is indistinguishable from no change: a user who may not see a record never learns
 * of its changes. Digests live only in memory.
 */
import { Effect } from "effect"
import { createHash } from "node:crypto"
import type { CallerShape } from "../domain/Caller.ts"
import type { SyncClientShape } from "../sync/SyncClient.ts"
import { habitsToday, recordKindSpecs } from "./resourceKinds.ts"
import type { RecordResourceKind, ResourceRef } from "./resourceUris.ts"

const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("base64url")

/** The state of `ref` for `caller`; `undefined` when the record is not one the caller can see. */
export const resourceState = (sync: SyncClientShape, caller: CallerShape, ref: ResourceRef) => {
  if (ref.kind === "habits-today") {
    return Effect.map(
      Effect.forEach(habitsToday.tables, (table) => sync.read(caller, habitsToday.app, table)),
      (tables): string | undefined => digest(tables)
    )
  }
  const spec = recordKindSpecs[ref.kind]
  return Effect.map(sync.read(caller, spec.app, spec.table), (records): string | undefined => {
    const record = records.find((candidate) => candidate.id === ref.id)
    return record === undefined ? undefined : digest(record.data)
  })
}

/** Which records of `kind` `resources/list` shows the caller (ids only): a change means list_changed. */
export const listState = (sync: SyncClientShape, caller: CallerShape, kind: RecordResourceKind) => {
  const spec = recordKindSpecs[kind]
  return Effect.map(
    sync.read(caller, spec.app, spec.table),
    (records) => digest(records.filter((record) => spec.listed(record.data)).map((record) => record.id).sort())
  )
}
