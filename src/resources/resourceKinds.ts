/**
 * What each resource is made of: which read tool answers `resources/read` (so a resource read
 * passes the same policy gate, space rules, decryption and zero-knowledge errors as that tool
 * call), which list tool pages it in `resources/list`, and which mana-sync tables a subscription
 * to it watches. Data and small pure extractors only.
 */
import { habitsApp, habitsTable } from "../tools/habits/Habit.ts"
import { habitLogsTable } from "../tools/habits/HabitLog.ts"
import { journalApp, journalTable } from "../tools/journal/Entry.ts"
import { notesApp, notesTable } from "../tools/notes/Note.ts"
import { tasksTable, todoApp } from "../tools/todo/Task.ts"
import type { RecordResourceKind, ResourceRef } from "./resourceUris.ts"

type Structured = Readonly<Record<string, unknown>>

export interface ListedRecord {
  readonly id: string
  readonly title: string
  readonly updatedAt?: string
}

export interface RecordResourceKindSpec {
  readonly kind: RecordResourceKind
  readonly app: string
  readonly table: string
  /** The template's display name and description (`resources/templates/list`). */
  readonly title: string
  readonly description: string
  readonly readTool: string
  /** The record inside the read tool's structured output. */
  readonly readKey: string
  readonly listTool: string
  /** The array inside the list tool's structured output. */
  readonly listKey: string
  /** The largest page the list tool accepts. */
  readonly pageSize: number
  /** Whether a stored (still encrypted) record is one the list shows: plaintext flags only. */
  readonly listed: (data: Structured) => boolean
}

const notArchived = (data: Structured) => data["isArchived"] !== true

export const recordKindSpecs: Readonly<Record<RecordResourceKind, RecordResourceKindSpec>> = {
  notes: {
    kind: "notes",
    app: notesApp,
    table: notesTable.table,
    title: "Note",
    description: "One note of the active space, decrypted: title, markdown content, flags, timestamps (JSON)",
    readTool: "notes.get",
    readKey: "note",
    listTool: "notes.list",
    listKey: "notes",
    pageSize: 100,
    listed: notArchived
  },
  journal: {
    kind: "journal",
    app: journalApp,
    table: journalTable.table,
    title: "Journal entry",
    description: "One journal entry of the active space, decrypted: date, title, content, mood, tags (JSON)",
    readTool: "journal.get",
    readKey: "entry",
    listTool: "journal.list",
    listKey: "entries",
    pageSize: 100,
    listed: notArchived
  },
  tasks: {
    kind: "tasks",
    app: todoApp,
    table: tasksTable.table,
    title: "Task",
    description: "One task of the active space, decrypted: title, description, priority, due date, subtasks (JSON)",
    readTool: "todo.get",
    readKey: "task",
    listTool: "todo.list",
    listKey: "tasks",
    pageSize: 500,
    listed: (data) => data["isCompleted"] !== true
  }
}

/** `mana://habits/today`: `habits.logs`' per-habit progress today and streaks, without the log page. */
export const habitsToday = {
  app: habitsApp,
  tables: [habitsTable, habitLogsTable],
  readTool: "habits.logs",
  readArgs: { limit: 1 },
  title: "Today's habits",
  description:
    "Every unarchived habit of the active space with today's check-ins against its daily target and its current streak (JSON)"
} as const

/** The mana-sync app and tables whose changes can change `ref`. */
export const watchedTables = (ref: ResourceRef): { readonly app: string; readonly tables: ReadonlyArray<string> } =>
  ref.kind === "habits-today"
    ? habitsToday
    : { app: recordKindSpecs[ref.kind].app, tables: [recordKindSpecs[ref.kind].table] }

const isStructured = (value: unknown): value is Structured =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The resource's JSON body from the read tool's structured output. */
export const contentOf = (ref: ResourceRef, output: Structured): unknown => {
  if (ref.kind !== "habits-today") return output[recordKindSpecs[ref.kind].readKey]
  const { habits, today } = output
  return { today, habits }
}

/** The records of one list page, and the list tool's cursor for the next page. */
export const listPageOf = (
  spec: RecordResourceKindSpec,
  output: Structured
): { readonly records: ReadonlyArray<ListedRecord>; readonly nextCursor: string | null } => {
  const items = output[spec.listKey]
  const records = (Array.isArray(items) ? items : []).flatMap((item): Array<ListedRecord> => {
    if (!isStructured(item) || typeof item["id"] !== "string") return []
    const title = typeof item["title"] === "string" && item["title"] !== ""
      ? item["title"]
      : typeof item["entryDate"] === "string"
      ? item["entryDate"]
      : item["id"]
    const updatedAt = item["updatedAt"]
    return [{ id: item["id"], title, ...(typeof updatedAt === "string" ? { updatedAt } : {}) }]
  })
  const next = output["nextCursor"]
  return { records, nextCursor: typeof next === "string" ? next : null }
}
