/**
 * What every encrypted create tool does: fetch the caller's master key first (a zero-knowledge
 * user fails before any sync traffic), build the plaintext record with a fresh id and `now`,
 * encrypt exactly the table's encrypted fields, push one insert, and hand the plaintext record
 * back for the tool's answer.
 */
import { DateTime, Effect } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { Ids } from "../../domain/Ids.ts"
import { Crypto } from "../../keys/Crypto.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import type { MasterKeyError } from "../../keys/VaultErrors.ts"
import type { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import type { CurrentTool } from "./CurrentTool.ts"
import { pushChanges } from "./pushChanges.ts"
import type { EncryptedFields } from "./ToolSpec.ts"

/** A new record's id and creation instant (its `createdAt` and `updatedAt`). */
export interface Fresh {
  readonly id: string
  readonly now: string
}

/** An encrypted create tool's handler result: what it can fail with and what it needs, said once. */
export type EncryptedCreate<A> = Effect.Effect<
  A,
  SyncError | MasterKeyError,
  Caller | SyncClient | MasterKeys | Crypto | Ids | CurrentTool
>

export const createEncrypted = <A extends { readonly id: string } & Readonly<Record<string, unknown>>, E, R>(
  app: string,
  table: EncryptedFields,
  build: (fresh: Fresh) => Effect.Effect<A, E, R>
) =>
  Effect.gen(function*() {
    const key = yield* Effect.flatMap(MasterKeys, (keys) => Effect.flatMap(Caller, keys.forCaller))
    const fresh = { id: yield* Effect.flatMap(Ids, (ids) => ids.uuid), now: DateTime.formatIso(yield* DateTime.now) }
    const record = yield* build(fresh)
    const data = yield* Effect.flatMap(Crypto, (crypto) => crypto.encryptFields(key, record, table.fields))
    yield* pushChanges(app, [{ op: "insert", table: table.table, id: record.id, data }])
    return record
  })
