/**
 * What every encrypted create tool does once its plaintext record is built: fetch the caller's
 * master key (first, so a zero-knowledge user fails before any write), encrypt exactly the
 * table's encrypted fields, push one insert. Returns nothing the agent sees; the tool answers
 * with its plaintext record.
 */
import { Effect } from "effect"
import { Caller } from "../domain/Caller.ts"
import { Crypto } from "../keys/Crypto.ts"
import { MasterKeys } from "../keys/MasterKeys.ts"
import { pushChanges } from "./pushChanges.ts"
import type { EncryptedFields } from "./ToolSpec.ts"

/** The caller of this call and their master key. Fails with a `MasterKeyError` (zero-knowledge, no vault, fetch failed). */
export const callerKey = Effect.gen(function*() {
  const caller = yield* Caller
  const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
  return { caller, key }
})

/** Encrypts `record`'s encrypted fields with `key` and pushes it to `app` as one insert. */
export const insertEncrypted = (
  key: CryptoKey,
  app: string,
  table: EncryptedFields,
  record: { readonly id: string } & Readonly<Record<string, unknown>>
) =>
  Effect.gen(function*() {
    const data = yield* Effect.flatMap(Crypto, (crypto) => crypto.encryptFields(key, record, table.fields))
    yield* pushChanges(app, [{ op: "insert", table: table.table, id: record.id, data }])
  })
