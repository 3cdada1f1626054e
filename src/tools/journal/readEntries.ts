/**
 * The decrypted journal entries of the active space for `journal.list` and `journal.search`,
 * newest first. A plaintext pre-filter (date range, mood, tags) runs before decryption; an entry
 * that cannot be decrypted is reported in `unreadable` instead of failing the call.
 */
import { Effect, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { SyncClient, type SyncRecord } from "../../sync/SyncClient.ts"
import { decryptRecords } from "../decryptRecords.ts"
import { journalApp, journalTable, newestFirst, readEntry } from "./Entry.ts"

export const readEntries = (keep: (record: SyncRecord) => boolean) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, journalApp, journalTable.table))
    const { readable, unreadable } = yield* decryptRecords(
      key,
      records.filter(keep),
      journalTable.fields,
      caller.principal.userId
    )
    const entries = readable.flatMap((record) => Option.toArray(readEntry(record.id, record.data))).sort(newestFirst)
    return { entries, unreadable }
  })
