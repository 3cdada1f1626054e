/**
 * Decrypts folded records one by one, so that one corrupt or foreign-key record cannot fail a
 * whole list (docs/upstreams.md §3.7): readable records come back with their fields in plaintext, the
 * others are reported by id only. Also the shared shape of that report in tool outputs. It does
 * not decide which records to read or how to filter them; the list and search tools do.
 */
import { Effect, Either, Schema } from "effect"
import { Crypto } from "../keys/Crypto.ts"
import type { SyncRecord } from "../sync/SyncClient.ts"

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
