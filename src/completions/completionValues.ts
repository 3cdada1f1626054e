/**
 * Where completion values come from: the caller's data in the active space, through the read
 * cache (`SyncClient.read`: no upstream call while the table is fresh), or their space list
 * (cached 30 s). Habits, journal tags and moods are plaintext; task titles are decrypted with the
 * caller's key as `todo.list` does (and hit the same decryption memo). Completion is a
 * convenience: a zero-knowledge user, a missing vault or an unreachable upstream gives no values
 * rather than an error.
 */
import { Effect } from "effect"
import { grantedSpaces, SpaceDirectory } from "../auth/SpaceDirectory.ts"
import type { CallerShape } from "../domain/Caller.ts"
import type { Crypto } from "../keys/Crypto.ts"
import { MasterKeys } from "../keys/MasterKeys.ts"
import { SyncClient } from "../sync/SyncClient.ts"
import { readHabits } from "../tools/habits/Habit.ts"
import { journalApp, journalTable, moods } from "../tools/journal/Entry.ts"
import { decryptRecords } from "../tools/kit/decryptRecords.ts"
import { notesApp, notesTable } from "../tools/notes/Note.ts"
import { tasksTable, todoApp } from "../tools/todo/Task.ts"
import type { CompletionKind } from "./CompletionKind.ts"

const strings = (values: Iterable<unknown>): ReadonlyArray<string> => {
  const seen = new Set<string>()
  for (const value of values) if (typeof value === "string" && value.trim() !== "") seen.add(value)
  return [...seen]
}

const habitTitles = (caller: CallerShape) =>
  Effect.flatMap(SyncClient, (sync) => readHabits(sync, caller)).pipe(
    Effect.map((habits) => strings(habits.filter((habit) => !habit.isArchived).map((habit) => habit.title)))
  )

const openTaskTitles = (caller: CallerShape) =>
  Effect.gen(function*() {
    const key = yield* Effect.flatMap(MasterKeys, (keys) => keys.forCaller(caller))
    const records = yield* Effect.flatMap(SyncClient, (sync) => sync.read(caller, todoApp, tasksTable.table))
    const open = records.filter((record) => record.data["isCompleted"] !== true)
    const { readable } = yield* decryptRecords(key, open, tasksTable.fields, caller.principal.userId)
    return strings(readable.map((record) => record.data["title"]))
  })

const journalTags = (caller: CallerShape) =>
  Effect.flatMap(SyncClient, (sync) => sync.read(caller, journalApp, journalTable.table)).pipe(
    Effect.map((records) =>
      strings(records.flatMap((record) => {
        const tags = record.data["tags"]
        return Array.isArray(tags) ? tags : []
      }))
    )
  )

/** Ids of the records the caller can see in the active space (the read applies space and visibility rules). */
const recordIds = (caller: CallerShape, app: string, table: string) =>
  Effect.flatMap(SyncClient, (sync) => sync.read(caller, app, table)).pipe(
    Effect.map((records) => strings(records.map((record) => record.id)))
  )

const spaceNames = (caller: CallerShape) =>
  Effect.flatMap(SpaceDirectory, (directory) => directory.spacesOf(caller.principal, caller.token)).pipe(
    Effect.map((spaces) => strings(grantedSpaces(caller.principal, spaces).map((space) => space.name)))
  )

type Values = Effect.Effect<
  ReadonlyArray<string>,
  { readonly _tag: string },
  SyncClient | MasterKeys | Crypto | SpaceDirectory
>

const sourceOf = (kind: CompletionKind, caller: CallerShape): Values => {
  switch (kind) {
    case "habit-title":
      return habitTitles(caller)
    case "task-title":
      return openTaskTitles(caller)
    case "tag":
      return journalTags(caller)
    case "mood":
      return Effect.succeed(moods)
    case "space-name":
      return spaceNames(caller)
    case "note-id":
      return recordIds(caller, notesApp, notesTable.table)
    case "task-id":
      return recordIds(caller, todoApp, tasksTable.table)
    case "entry-id":
      return recordIds(caller, journalApp, journalTable.table)
  }
}

/** Every candidate value of `kind` for `caller`; never fails (no values instead). */
export const completionValues = (kind: CompletionKind, caller: CallerShape) =>
  sourceOf(kind, caller).pipe(
    Effect.catchAll((error) =>
      Effect.as(
        Effect.logDebug("completion values unavailable", { kind, error: error._tag }),
        [] as ReadonlyArray<string>
      )
    )
  )
