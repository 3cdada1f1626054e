/**
 * The record operations the get/update/delete tools share, each checking before it writes: a
 * record is found only if it is live in the caller's active space (another space's record or a
 * deleted one is `RecordNotFound`, so nothing is ever pushed for it), decrypted as one unit
 * (`RecordUnreadable` otherwise), updated field by field with exactly the table's encrypted
 * fields encrypted, and deleted softly (`op: "delete"` with `deletedAt`, never a hard delete).
 */
import { Effect } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { Crypto } from "../../keys/Crypto.ts"
import { SyncClient, type SyncRecord } from "../../sync/SyncClient.ts"
import { unreadableFor } from "./decryptRecords.ts"
import { pushChanges } from "./pushChanges.ts"
import type { RecordKind } from "./RecordKind.ts"
import { requireRecord } from "./RecordNotFound.ts"
import { RecordUnreadable } from "./RecordUnreadable.ts"

/** The live record `id` of `kind` in the active space. Fails with `RecordNotFound` or a `SyncError`. */
export const findLive = (kind: RecordKind, id: string) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, kind.app, kind.table.table))
    return yield* requireRecord(records, id, { kind: kind.noun, listTool: kind.listTool })
  })

/** `record` with the kind's encrypted fields decrypted. Fails with `RecordUnreadable`. */
export const decryptOne = (kind: RecordKind, key: CryptoKey, record: SyncRecord) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const crypto = yield* Crypto
    return yield* crypto.decryptFields(key, record.data, kind.table.fields).pipe(
      Effect.map((data): SyncRecord => ({ id: record.id, data })),
      Effect.mapError(() => {
        const unreadable = unreadableFor(record, caller.principal.userId)
        return new RecordUnreadable({
          kind: kind.noun,
          id: record.id,
          reason: unreadable.reason,
          ...(unreadable.authorId === undefined ? {} : { authorId: unreadable.authorId })
        })
      })
    )
  })

/**
 * Pushes `fields` as one update of record `id`, encrypting those of the kind's encrypted fields
 * that are present with `key` (`undefined` is fine for tables without encrypted fields).
 */
export const pushUpdate = (
  kind: RecordKind,
  key: CryptoKey | undefined,
  id: string,
  fields: Readonly<Record<string, unknown>>
) =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    const encrypted = kind.table.fields.filter((field) => field in fields)
    if (encrypted.length > 0 && key === undefined) return yield* Effect.die("update of encrypted fields without a key")
    const wire = key === undefined || encrypted.length === 0
      ? fields
      : yield* crypto.encryptFields(key, fields, encrypted)
    yield* pushChanges(kind.app, [{ op: "update", table: kind.table.table, id, fields: wire }])
  })

/** Soft-deletes record `id` (`op: "delete"` stamped with `deletedAt`); `trash.restore` undoes it. */
export const pushSoftDelete = (kind: RecordKind, id: string) =>
  pushChanges(kind.app, [{ op: "delete", table: kind.table.table, id }])

/** Only the keys of `changes` whose value is not `undefined` (optional inputs left out). */
export const definedFields = (changes: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) fields[key] = value
  return fields
}
