/**
 * What `mana.search` searches, per module: the live records of the active space as documents
 * (module, id, title, body, last touched), decrypted server-side with the caller's key exactly as
 * the module tools decrypt them. Habits are plaintext; tasks, notes and journal entries need the
 * key, so for a zero-knowledge user (or one without a vault) those modules are reported as not
 * searchable, with the reason, instead of failing the search. Records that cannot be decrypted
 * are counted, never shown.
 */
import { Effect, Either, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import type { Crypto } from "../../keys/Crypto.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { SyncClient } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import { readHabits } from "../habits/Habit.ts"
import { journalApp, journalTable, readEntry } from "../journal/Entry.ts"
import { decryptRecords } from "../kit/decryptRecords.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
import type { EncryptedFields } from "../kit/ToolSpec.ts"
import { notesApp, notesTable, readNote } from "../notes/Note.ts"
import { readTask, tasksTable, todoApp } from "../todo/Task.ts"

export const searchModules = ["habits", "todo", "notes", "journal"] as const
export type SearchModule = (typeof searchModules)[number]

export interface SearchDoc {
  readonly module: SearchModule
  readonly id: string
  readonly title: string
  readonly body: string
  readonly touched: string | undefined
}

/** One module's documents, or why it could not be searched. */
export type ModuleDocs =
  | { readonly _tag: "Docs"; readonly docs: ReadonlyArray<SearchDoc>; readonly unreadable: number }
  | { readonly _tag: "Unsearchable"; readonly module: SearchModule; readonly reason: string }

const habitDocs = Effect.gen(function*() {
  const caller = yield* Caller
  const habits = yield* Effect.flatMap(SyncClient, (sync) => readHabits(sync, caller))
  const docs = habits.map((habit): SearchDoc => ({
    module: "habits",
    id: habit.id,
    title: habit.title,
    body: "",
    touched: habit.updatedAt ?? habit.createdAt
  }))
  const found: ModuleDocs = { _tag: "Docs", docs, unreadable: 0 }
  return found
})

type RecordData = Readonly<Record<string, unknown>>

/**
 * A module's documents by decrypted record: the decryption memo hands out the same `data` object
 * while a record is unchanged, so each record is decoded into a document once, not once per search.
 */
const docsByRecord = (toDoc: (id: string, data: RecordData) => Option.Option<SearchDoc>) =>
  memoByIdentity((data: RecordData, id: string) => toDoc(id, data))

const encryptedDocs = (
  app: string,
  table: EncryptedFields,
  key: CryptoKey,
  docOf: Effect.Effect<(data: RecordData, id: string) => Option.Option<SearchDoc>>
) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, app, table.table))
    const { readable, unreadable } = yield* decryptRecords(key, records, table.fields, caller.principal.userId)
    const toDoc = yield* docOf
    const docs = readable.flatMap((record) => Option.toArray(toDoc(record.data, record.id)))
    const found: ModuleDocs = { _tag: "Docs", docs, unreadable: unreadable.length }
    return found
  })

const taskDoc = docsByRecord((id, data) =>
  Option.map(readTask(id, data), (task): SearchDoc => ({
    module: "todo",
    id,
    title: task.title,
    body: task.description ?? "",
    touched: task.updatedAt ?? task.createdAt
  }))
)

const noteDoc = docsByRecord((id, data) =>
  Option.map(readNote(id, data), (note): SearchDoc => ({
    module: "notes",
    id,
    title: note.title,
    body: note.content,
    touched: note.updatedAt ?? note.createdAt
  }))
)

const entryDoc = docsByRecord((id, data) =>
  Option.map(readEntry(id, data), (entry): SearchDoc => ({
    module: "journal",
    id,
    title: entry.title ?? entry.entryDate,
    body: entry.content,
    touched: entry.updatedAt ?? entry.createdAt
  }))
)

/** Reading one module's documents, with the module named for a report that it timed out. */
export interface ModuleSource {
  readonly module: SearchModule
  readonly docs: Effect.Effect<ModuleDocs, SyncError, Caller | SyncClient | Crypto>
}

/** The sources of every module; the key is fetched once (a zero-knowledge user fails there). */
export const moduleSources: Effect.Effect<ReadonlyArray<ModuleSource>, never, Caller | MasterKeys> = Effect.gen(
  function*() {
    const caller = yield* Caller
    const key = yield* Effect.either(Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller)))
    const encrypted = Either.match(key, {
      onLeft: (error): ReadonlyArray<ModuleSource> =>
        (["todo", "notes", "journal"] as const).map((module) => ({
          module,
          docs: Effect.succeed<ModuleDocs>({ _tag: "Unsearchable", module, reason: error.message })
        })),
      onRight: (key): ReadonlyArray<ModuleSource> => [
        { module: "todo", docs: encryptedDocs(todoApp, tasksTable, key, taskDoc) },
        { module: "notes", docs: encryptedDocs(notesApp, notesTable, key, noteDoc) },
        { module: "journal", docs: encryptedDocs(journalApp, journalTable, key, entryDoc) }
      ]
    })
    return [{ module: "habits", docs: habitDocs }, ...encrypted]
  }
)
