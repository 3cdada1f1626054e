/**
 * The dev mana-sync's storage: the stored row (the `sync_changes` table of the real service, one
 * row per pushed change), its JSON form for the local-mode journal, the in-memory append-only
 * log indexed by app and table, and how a row is emitted on the wire (docs/upstreams.md §3.4). Owned by
 * one SyncEngine, which serialises writes; it holds no HTTP or auth logic.
 */
import { Schema } from "effect"
import { ChangeOp, formatInstantMicros } from "../../sync/SyncWire.ts"

export const StoredRow = Schema.Struct({
  eventId: Schema.String,
  appId: Schema.String,
  table: Schema.String,
  recordId: Schema.String,
  userId: Schema.String,
  spaceId: Schema.NullOr(Schema.String),
  op: ChangeOp,
  data: Schema.Record({ key: Schema.String, value: Schema.Unknown }),
  fieldMeta: Schema.Record({ key: Schema.String, value: Schema.String }),
  clientId: Schema.String,
  /** Microseconds since the epoch; strictly increasing within one engine. */
  createdAt: Schema.Number,
  schemaVersion: Schema.Number,
  actor: Schema.NullOr(Schema.Unknown),
  origin: Schema.String
})
export type StoredRow = typeof StoredRow.Type

export const StoredRowJson = Schema.parseJson(StoredRow)

/** First index whose `createdAt` is strictly greater than `since` (rows are sorted by it). */
const firstAfter = (rows: ReadonlyArray<StoredRow>, since: number): number => {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const row = rows[mid]
    if (row !== undefined && row.createdAt <= since) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** The append-only change log of one engine: rows per app and table, in `createdAt` order. */
export class SyncLog {
  private readonly byApp = new Map<string, Map<string, Array<StoredRow>>>()
  private last = 0
  private count = 0

  get lastCreatedAt(): number {
    return this.last
  }

  get size(): number {
    return this.count
  }

  append(row: StoredRow): void {
    let tables = this.byApp.get(row.appId)
    if (tables === undefined) {
      tables = new Map()
      this.byApp.set(row.appId, tables)
    }
    let rows = tables.get(row.table)
    if (rows === undefined) {
      rows = []
      tables.set(row.table, rows)
    }
    rows.push(row)
    this.last = Math.max(this.last, row.createdAt)
    this.count++
  }

  /** Rows of one table after `since`, passing `keep`, at most `limit`, oldest first. */
  scan(
    appId: string,
    table: string,
    since: number,
    keep: (row: StoredRow) => boolean,
    limit: number
  ): Array<StoredRow> {
    const rows = this.byApp.get(appId)?.get(table) ?? []
    const out: Array<StoredRow> = []
    for (let i = firstAfter(rows, since); i < rows.length && out.length < limit; i++) {
      const row = rows[i]
      if (row !== undefined && keep(row)) out.push(row)
    }
    return out
  }

  /** Rows of every table of an app after `since`, passing `keep`, at most `limit`, oldest first. */
  scanApp(appId: string, since: number, keep: (row: StoredRow) => boolean, limit: number): Array<StoredRow> {
    const all: Array<StoredRow> = []
    for (const table of this.byApp.get(appId)?.keys() ?? []) {
      all.push(...this.scan(appId, table, since, keep, limit))
    }
    return all.sort((a, b) => a.createdAt - b.createdAt).slice(0, limit)
  }
}

const isEmptyObject = (value: Readonly<Record<string, unknown>>) => Object.keys(value).length === 0

/** The wire form of a stored row: keys other than table/id/op omitted when empty (2.3, 2.5). */
export const emitRow = (row: StoredRow): Record<string, unknown> => {
  const out: Record<string, unknown> = {
    eventId: row.eventId,
    schemaVersion: row.schemaVersion === 0 ? 1 : row.schemaVersion,
    table: row.table,
    id: row.recordId,
    op: row.op
  }
  if (row.spaceId !== null && row.spaceId !== "") out["spaceId"] = row.spaceId
  if (row.origin !== "") out["origin"] = row.origin
  if (row.actor !== null && row.actor !== undefined) out["actor"] = row.actor
  switch (row.op) {
    case "insert":
      if (!isEmptyObject(row.data)) out["data"] = row.data
      break
    case "update": {
      const fields: Record<string, unknown> = {}
      for (const [key, at] of Object.entries(row.fieldMeta)) fields[key] = { value: row.data[key] ?? null, at }
      if (!isEmptyObject(fields)) out["fields"] = fields
      break
    }
    case "delete": {
      const deletedAt = row.data["deletedAt"]
      if (typeof deletedAt === "string" && deletedAt !== "") out["deletedAt"] = deletedAt
      break
    }
  }
  return out
}

export const formatCreatedAt = formatInstantMicros
