/**
 * A record's human name, decrypted for display only (confirmation prompts, trash listings,
 * delete results): never stored, never logged. When the caller has no usable key (a
 * zero-knowledge user, another member's record) the label is `null` and callers fall back to
 * the id — naming a record must never make a delete or a listing fail.
 */
import { Effect, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { Crypto } from "../../keys/Crypto.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import type { SyncRecord } from "../../sync/SyncClient.ts"
import type { RecordKind } from "./RecordKind.ts"

const maxLabel = 120

const shorten = (label: string) => {
  const chars = Array.from(label.replace(/\s+/g, " ").trim())
  return chars.length <= maxLabel ? chars.join("") : `${chars.slice(0, maxLabel - 1).join("")}…`
}

/** The caller's key if they have one; `None` for zero-knowledge users or a vault failure. */
export const optionalKey = Effect.flatMap(
  Caller,
  (caller) => Effect.flatMap(MasterKeys, (keys) => Effect.option(keys.forCaller(caller)))
)

export const labelWith = (kind: RecordKind, key: Option.Option<CryptoKey>, record: SyncRecord) =>
  Effect.gen(function*() {
    const crypto = yield* Crypto
    if (kind.table.fields.length === 0) {
      return Option.getOrNull(Option.map(Option.fromNullable(kind.labelOf(record.data)), shorten))
    }
    if (Option.isNone(key)) return null
    const plain = yield* Effect.option(crypto.decryptFields(key.value, record.data, kind.table.fields))
    return Option.getOrNull(
      Option.map(Option.flatMap(plain, (data) => Option.fromNullable(kind.labelOf(data))), shorten)
    )
  })

/** `record`'s label, or `null` when it cannot be read. Never fails. */
export const labelFor = (kind: RecordKind, record: SyncRecord) =>
  Effect.flatMap(optionalKey, (key) => labelWith(kind, key, record))
