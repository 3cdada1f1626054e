/**
 * Decrypts folded records one by one, so that one corrupt or foreign-key record cannot fail a
 * whole list (docs/upstreams.md §3.7): readable records come back with their fields in plaintext, the
 * others are reported by id only. Also the shared shape of that report in tool outputs. It does
 * not decide which records to read or how to filter them; the list and search tools do.
 */
import { Effect, Either, Schema } from "effect"
import { Caller } from "../domain/Caller.ts"
import { Crypto } from "../keys/Crypto.ts"
import { MasterKeys } from "../keys/MasterKeys.ts"
import { SyncClient, type SyncRecord } from "../sync/SyncClient.ts"
import type { EncryptedFields } from "./ToolSpec.ts"

/** A record the gateway could not decrypt: named so the agent can tell the user, never shown. */
export const UnreadableRecord = Schema.Struct({
  id: Schema.String,
  reason: Schema.Literal("undecryptable")
}).annotations({
  description:
    "A record that exists but could not be decrypted (corrupt, or encrypted with another key); its content is not shown"
})
export type UnreadableRecord = typeof UnreadableRecord.Type

export interface DecryptedRecords {
  /** Records with every listed field decrypted, in input order. */
  readonly readable: ReadonlyArray<SyncRecord>
  readonly unreadable: ReadonlyArray<UnreadableRecord>
}

/** Never fails: a record whose listed fields do not all decrypt is reported in `unreadable`. */
export const decryptRecords = (
  key: CryptoKey,
  records: ReadonlyArray<SyncRecord>,
  fields: ReadonlyArray<string>
): Effect.Effect<DecryptedRecords, never, Crypto> =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    // Unchanged records come back from the Crypto service's memo without touching Web Crypto.
    const results = yield* crypto.decryptEach(key, records.map((record) => record.data), fields)
    const readable: Array<SyncRecord> = []
    const unreadable: Array<UnreadableRecord> = []
    records.forEach(({ id }, index) => {
      const data = results[index]
      if (data === undefined || Either.isLeft(data)) unreadable.push({ id, reason: "undecryptable" })
      else readable.push({ id, data: data.right })
    })
    return { readable, unreadable }
  }).pipe(
    Effect.withSpan("Crypto.decryptBatch", {
      attributes: { "mana.records.count": records.length, "mana.fields.count": fields.length },
      captureStackTrace: false
    })
  )

/**
 * The read every encrypted list or search tool does: the caller's key first (a zero-knowledge
 * user fails before any sync traffic), the live records of `table`, only those `keep` accepts on
 * their plaintext fields (so filtered-out records cost no decryption), decrypted one by one.
 */
export const readDecrypted = (
  app: string,
  table: EncryptedFields,
  keep: (data: Readonly<Record<string, unknown>>) => boolean
) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, app, table.table))
    return yield* decryptRecords(key, records.filter((record) => keep(record.data)), table.fields)
  })
