/**
 * What `mana.search` searches, per module: the live records of the active space as documents
 * (module, id, title, body, last touched), decrypted server-side with the caller's key exactly as
 * the module tools decrypt them. Habits are plaintext; tasks, notes and journal entries need the
 * key, so for a zero-knowledge user (or one without a vault) those modules are reported as not
 * searchable, with the reason, instead of failing the search. Records that cannot be decrypted
 * are counted, never shown.
 *
 * Memoised as the module searches are (`notes/readNotes.ts`): a module's documents are built once
 * per (records state, key) — the read cache hands out the same records array while the table is
 * unchanged — and each document once per decrypted record (the Crypto memo hands out the same
 * decrypted object while a record is unchanged), with its title and body folded then, so a query
 * over unchanged tables neither decodes nor folds anything again.
 */
import { Effect, Either, Option } from "effect"
import { Caller } from "../../domain/Caller.ts"
import { memoSlot } from "../../domain/Memos.ts"
import type { Crypto } from "../../keys/Crypto.ts"
import { MasterKeys } from "../../keys/MasterKeys.ts"
import { SyncClient, type SyncRecord } from "../../sync/SyncClient.ts"
import type { SyncError } from "../../sync/SyncErrors.ts"
import { type Habit, readHabits } from "../habits/Habit.ts"
import { journalApp, journalTable, readEntry } from "../journal/Entry.ts"
import { decryptRecords } from "../kit/decryptRecords.ts"
import { memoByIdentity } from "../kit/memoByIdentity.ts"
import { foldForSearch } from "../kit/searchText.ts"
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
  /** `title` and `body` folded for matching (`foldForSearch`), once per document. */
  readonly foldedTitle: string
  readonly foldedBody: string
}

/** A document with its folded forms. */
export const searchDoc = (doc: Omit<SearchDoc, "foldedTitle" | "foldedBody">): SearchDoc => ({
  ...doc,
  foldedTitle: foldForSearch(doc.title),
  foldedBody: foldForSearch(doc.body)
})

/** One module's documents, or why it could not be searched. */
export type ModuleDocs =
  | { readonly _tag: "Docs"; readonly docs: ReadonlyArray<SearchDoc>; readonly unreadable: number }
  | { readonly _tag: "Unsearchable"; readonly module: SearchModule; readonly reason: string }

/** Habit documents per habits state (the sorted habits are shared while the table is unchanged). */
const habitDocsOf = memoByIdentity((habits: ReadonlyArray<Habit>): ModuleDocs => ({
  _tag: "Docs",
  docs: habits.map((habit) =>
    searchDoc({
      module: "habits",
      id: habit.id,
      title: habit.title,
      body: "",
      touched: habit.updatedAt ?? habit.createdAt
    })
  ),
  unreadable: 0
}))

const habitDocs = Effect.gen(function*() {
  const caller = yield* Caller
  const habits = yield* Effect.flatMap(SyncClient, (sync) => readHabits(sync, caller))
  return (yield* habitDocsOf)(habits)
})

/** A module's documents per (records state, key); both held weakly, like `rememberDecryptedDerivation`. */
const docsPerState = memoSlot(() => new WeakMap<ReadonlyArray<SyncRecord>, WeakMap<CryptoKey, ModuleDocs>>())

type DocOf = Effect.Effect<(data: Readonly<Record<string, unknown>>, id: string) => Option.Option<SearchDoc>>

const encryptedDocs = (app: string, table: EncryptedFields, key: CryptoKey, docOf: DocOf) =>
  Effect.gen(function*() {
    const caller = yield* Caller
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, app, table.table))
    const memo = yield* docsPerState
    let byKey = memo.get(records)
    if (byKey === undefined) {
      byKey = new WeakMap()
      memo.set(records, byKey)
    }
    const known = byKey.get(key)
    if (known !== undefined) return known
    const { readable, unreadable } = yield* decryptRecords(key, records, table.fields, caller.principal.userId)
    const toDoc = yield* docOf
    const docs = readable.flatMap((record) => Option.toArray(toDoc(record.data, record.id)))
    const found: ModuleDocs = { _tag: "Docs", docs, unreadable: unreadable.length }
    byKey.set(key, found)
    return found
  })

/** What a document shows of an item: its title, body and last touch. */
type DocText = Pick<SearchDoc, "title" | "body" | "touched">

/**
 * Documents of one module, keyed by the decrypted record (the Crypto memo hands out the same
 * object while the record is unchanged), so each is decoded and folded once per record state.
 */
const docsBy = <A>(
  module: SearchModule,
  read: (id: string, data: Readonly<Record<string, unknown>>) => Option.Option<A>,
  text: (item: A) => DocText
): DocOf =>
  memoByIdentity((data: Readonly<Record<string, unknown>>, id: string) =>
    Option.map(read(id, data), (item) => searchDoc({ module, id, ...text(item) }))
  )

const taskDoc = docsBy("todo", readTask, (task) => ({
  title: task.title,
  body: task.description ?? "",
  touched: task.updatedAt ?? task.createdAt
}))

const noteDoc = docsBy("notes", readNote, (note) => ({
  title: note.title,
  body: note.content,
  touched: note.updatedAt ?? note.createdAt
}))

const entryDoc = docsBy("journal", readEntry, (entry) => ({
  title: entry.title ?? entry.entryDate,
  body: entry.content,
  touched: entry.updatedAt ?? entry.createdAt
}))

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
