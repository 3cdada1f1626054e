/**
 * The decrypted notes of the active space for `notes.list` and `notes.search`. `isArchived` is
 * plaintext, so archived notes are dropped before paying for decryption; a note that cannot be
 * decrypted is reported in `unreadable` instead of failing the call.
 */
import { Effect, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import { decryptRecords } from "../decryptRecords.ts"
import { notesApp, notesTable, readNote } from "./Note.ts"

export const readNotes = (includeArchived: boolean) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, notesApp, notesTable.table))
    const candidates = includeArchived ? records : records.filter((record) => record.data["isArchived"] !== true)
    const { readable, unreadable } = yield* decryptRecords(key, candidates, notesTable.fields, caller.principal.userId)
    const notes = readable.flatMap((record) => Option.toArray(readNote(record.id, record.data)))
    return { notes, unreadable }
  })
