/**
 * Folding a mana-sync change stream into current records (docs/upstreams.md §3.7) and the per-space
 * read filter (§3.6). Pure functions over persistent data (`HashMap`), so applying a delta costs
 * O(changes in it), not O(history). No I/O, no clock; pulling, caching and decoding to tool
 * shapes are elsewhere. Partial records (e.g. an update with no insert) are kept; tools skip
 * records that miss required fields.
 *
 * Where a record lives is decided by its insert and never changes afterwards (upstreams.md 2.8:
 * the web app treats `spaceId` and `authorId` as immutable). A pull returns other members'
 * changes too, and a change does not say who wrote it, so a later change — an update, a delete,
 * or a repeated insert of the same id — cannot move a record to another space or re-author it:
 * a member of a shared space who knows the id of someone's personal record cannot pull it out
 * of that personal space by writing to it with the shared space id.
 */
import { HashMap, HashSet, Option } from "effect"
import { instantOf as instant, type WireChange } from "./SyncWire.ts"

interface FieldState {
  readonly value: unknown
  readonly at: number
}

export interface RecordState {
  readonly id: string
  readonly fields: Readonly<Record<string, FieldState>>
  /** Hard-deleted (delete without `deletedAt`): later partial updates are ignored. */
  readonly tombstone: boolean
  /**
   * The record's space: the top-level `spaceId` of its insert; before any insert was seen (a
   * partial record), the last non-empty one of its changes.
   */
  readonly spaceId: string | undefined
  /** An insert was applied: `spaceId` and the `spaceId`/`authorId` fields are now fixed. */
  readonly inserted: boolean
}

export interface FoldState {
  readonly records: HashMap.HashMap<string, RecordState>
  /** Event ids already applied; the read cache forgets those that can no longer be re-delivered. */
  readonly seen: HashSet.HashSet<string>
}

/** A live record: folded field values (without `id`) and the top-level space of its changes. */
export interface FoldedRecord {
  readonly id: string
  readonly data: Readonly<Record<string, unknown>>
  /** Each field's LWW stamp (epoch microseconds; −∞ when its change carried none). */
  readonly stamps: Readonly<Record<string, number>>
  readonly spaceId: string | undefined
}

export const emptyFold: FoldState = { records: HashMap.empty(), seen: HashSet.empty() }

const freshRecord = (id: string): RecordState => ({
  id,
  fields: {},
  tombstone: false,
  spaceId: undefined,
  inserted: false
})

/** Fields that place a record; set by its (first) insert, never changed by later changes. */
const placement = new Set(["spaceId", "authorId"])

/** Sets `key` when `at` is at least its current stamp (ties: the later event wins). */
const lww = (fields: Record<string, FieldState>, key: string, value: unknown, at: number): void => {
  const current = fields[key]
  if (current === undefined || at >= current.at) fields[key] = { value, at }
}

const applyToRecord = (existing: RecordState | undefined, change: WireChange): RecordState | undefined => {
  const changeSpace = change.spaceId !== undefined && change.spaceId !== "" ? change.spaceId : undefined
  // Once inserted, a record stays where its insert put it.
  const spaceId = existing?.inserted === true ? existing.spaceId : changeSpace ?? existing?.spaceId
  switch (change.op) {
    case "insert": {
      // An insert is an upsert: it (re)creates the record, even after a hard delete.
      const base = existing === undefined || existing.tombstone ? freshRecord(change.id) : existing
      const data = change.data ?? {}
      const at = instant(data["updatedAt"] ?? data["createdAt"])
      const fields = { ...base.fields }
      for (const [key, value] of Object.entries(data)) {
        if (key === "id" || (base.inserted && placement.has(key) && fields[key] !== undefined)) continue
        lww(fields, key, value, at)
      }
      return {
        ...base,
        fields,
        tombstone: false,
        spaceId: base.inserted ? base.spaceId : changeSpace ?? base.spaceId,
        inserted: true
      }
    }
    case "update": {
      if (existing?.tombstone === true) return existing
      const base = existing ?? freshRecord(change.id)
      const fields = { ...base.fields }
      for (const [key, field] of Object.entries(change.fields ?? {})) {
        if (placement.has(key) && fields[key] !== undefined) continue
        lww(fields, key, field.value ?? null, instant(field.at))
      }
      return { ...base, fields, spaceId }
    }
    case "delete": {
      if (change.deletedAt === undefined) {
        return { id: change.id, fields: {}, tombstone: true, spaceId, inserted: false }
      }
      if (existing?.tombstone === true) return existing
      const base = existing ?? freshRecord(change.id)
      const fields = { ...base.fields }
      lww(fields, "deletedAt", change.deletedAt, instant(change.deletedAt))
      return { ...base, fields, spaceId }
    }
  }
}

/** Applies one change, in stream order; a change whose `eventId` was already applied is skipped. */
export const applyChange = (state: FoldState, change: WireChange): FoldState => {
  if (change.eventId !== undefined && HashSet.has(state.seen, change.eventId)) return state
  const next = applyToRecord(Option.getOrUndefined(HashMap.get(state.records, change.id)), change)
  return {
    records: next === undefined ? state.records : HashMap.set(state.records, change.id, next),
    seen: change.eventId === undefined ? state.seen : HashSet.add(state.seen, change.eventId)
  }
}

/**
 * `applyChange` over a whole page. The maps are updated in place inside `mutate` (one copy per
 * page, not per change), which made a cold 20k-change read several times cheaper.
 */
export const applyChanges = (state: FoldState, changes: Iterable<WireChange>): FoldState => {
  let seen = state.seen
  const records = HashMap.mutate(state.records, (mutableRecords) => {
    seen = HashSet.mutate(seen, (mutableSeen) => {
      for (const change of changes) {
        if (change.eventId !== undefined && HashSet.has(mutableSeen, change.eventId)) continue
        const next = applyToRecord(Option.getOrUndefined(HashMap.get(mutableRecords, change.id)), change)
        if (next !== undefined) HashMap.set(mutableRecords, change.id, next)
        if (change.eventId !== undefined) HashSet.add(mutableSeen, change.eventId)
      }
    })
  })
  return { records, seen }
}

/** Drops event ids from the dedupe set once they can no longer be delivered again. */
export const forgetEvents = (state: FoldState, eventIds: Iterable<string>): FoldState => ({
  ...state,
  seen: HashSet.mutate(state.seen, (mutableSeen) => {
    for (const id of eventIds) HashSet.remove(mutableSeen, id)
  })
})

const toFolded = (record: RecordState): FoldedRecord => {
  const data: Record<string, unknown> = {}
  const stamps: Record<string, number> = {}
  for (const [key, field] of Object.entries(record.fields)) {
    data[key] = field.value
    stamps[key] = field.at
  }
  return { id: record.id, data, stamps, spaceId: record.spaceId }
}

/**
 * Records that exist and whose folded `deletedAt` is null or absent, in no particular order.
 * With `memo` (owned by the caller, e.g. one per cached table), a record whose state did not change
 * keeps its `FoldedRecord` object, so per-record work downstream (decryption) can be reused.
 */
export const liveRecords = (
  state: FoldState,
  memo?: WeakMap<RecordState, FoldedRecord>
): ReadonlyArray<FoldedRecord> => {
  const out: Array<FoldedRecord> = []
  for (const record of HashMap.values(state.records)) {
    if (record.tombstone) continue
    const deletedAt = record.fields["deletedAt"]?.value
    if (deletedAt !== undefined && deletedAt !== null) continue
    let folded = memo?.get(record)
    if (folded === undefined) {
      folded = toFolded(record)
      memo?.set(record, folded)
    }
    out.push(folded)
  }
  return out
}

/** Soft-deleted records (folded `deletedAt` set; hard deletes excluded): the trash, in no particular order. */
export const deletedRecords = (state: FoldState): ReadonlyArray<FoldedRecord> => {
  const out: Array<FoldedRecord> = []
  for (const record of HashMap.values(state.records)) {
    if (record.tombstone) continue
    const deletedAt = record.fields["deletedAt"]?.value
    if (deletedAt !== undefined && deletedAt !== null) out.push(toFolded(record))
  }
  return out
}

/** Who reads, and in which space. `personal`: the space is the caller's personal space. */
export interface ReadScope {
  readonly userId: string
  readonly spaceId: string
  readonly personal: boolean
}

const nonEmpty = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined)

/**
 * docs/upstreams.md §3.6: in space S if `data.spaceId` or the top-level change space is S; the personal
 * space also shows `_personal:<userId>` and space-less legacy rows; `private` records only to their author.
 */
export const visibleIn = (record: Pick<FoldedRecord, "data" | "spaceId">, scope: ReadScope): boolean => {
  if (record.data["visibility"] === "private" && record.data["authorId"] !== scope.userId) return false
  const dataSpace = nonEmpty(record.data["spaceId"])
  if (dataSpace === scope.spaceId || record.spaceId === scope.spaceId) return true
  if (!scope.personal) return false
  const sentinel = `_personal:${scope.userId}`
  if (dataSpace === sentinel || record.spaceId === sentinel) return true
  return dataSpace === undefined && record.spaceId === undefined
}
