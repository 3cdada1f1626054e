/**
 * ReadCache: per (user, app, table) the folded state of everything the user can see plus the pull
 * cursor, so a read pulls and folds only the delta since the last read (upstreams.md T9). Every
 * read pulls first (always fresh). The next pull starts `overlap` before the cursor and
 * deduplicates by eventId, covering boundary ties and clock skew (2.5). Reads of one key are
 * serialised; memory is bounded by evicting the least recently used user. Space filtering is
 * the caller's job: the folded state covers all spaces.
 */
import { Clock, Context, Duration, Effect, HashMap, Layer, Option, SynchronizedRef } from "effect"
import { applyChanges, emptyFold, type FoldedRecord, type FoldState, forgetEvents, liveRecords } from "./fold.ts"
import type { SyncError } from "./SyncErrors.ts"
import { EPOCH, formatInstantMicros, parseInstantMicros, type PullResponse } from "./SyncWire.ts"

export interface ReadKey {
  readonly userId: string
  readonly app: string
  readonly table: string
}

export interface ReadCacheOptions {
  /** Users whose state is kept; the least recently used beyond this are dropped. */
  readonly maxUsers: number
  /** How far before the cursor each delta pull starts. */
  readonly overlap: Duration.DurationInput
  /** State older than this is rebuilt from the epoch (picks up rows of newly joined spaces). */
  readonly rebuildAfter: Duration.DurationInput
}

export const defaultReadCacheOptions: ReadCacheOptions = {
  maxUsers: 1000,
  overlap: Duration.seconds(5),
  rebuildAfter: Duration.minutes(15)
}

/** Event ids of one pull page and the page's `syncedUntil`: none of them can be newer. */
interface Batch {
  readonly until: number
  readonly eventIds: ReadonlyArray<string>
}

interface TableState {
  readonly fold: FoldState
  /** `syncedUntil` of the last complete pull, in epoch microseconds. */
  readonly cursor: Option.Option<number>
  readonly batches: ReadonlyArray<Batch>
  readonly builtAt: number
}

interface TableEntry {
  readonly lock: Effect.Semaphore
  readonly state: SynchronizedRef.SynchronizedRef<Option.Option<TableState>>
}

interface UserEntry {
  readonly lastUsed: number
  readonly tables: HashMap.HashMap<string, TableEntry>
}

interface CacheState {
  readonly tick: number
  readonly users: HashMap.HashMap<string, UserEntry>
}

/** Fetches one page of the table from `since`. */
export type PullPage = (since: string) => Effect.Effect<PullResponse, SyncError>

const evictOldest = (users: HashMap.HashMap<string, UserEntry>, maxUsers: number) => {
  let result = users
  while (HashMap.size(result) > maxUsers) {
    let oldest: [string, number] | undefined
    for (const [userId, entry] of result) {
      if (oldest === undefined || entry.lastUsed < oldest[1]) oldest = [userId, entry.lastUsed]
    }
    if (oldest === undefined) break
    result = HashMap.remove(result, oldest[0])
  }
  return result
}

export const makeReadCache = (options: ReadCacheOptions) =>
  Effect.gen(function*() {
    const overlapMicros = Duration.toMillis(options.overlap) * 1000
    const rebuildMillis = Duration.toMillis(options.rebuildAfter)
    const cache = yield* SynchronizedRef.make<CacheState>({ tick: 0, users: HashMap.empty() })

    const entryFor = (key: ReadKey) =>
      SynchronizedRef.modifyEffect(cache, (state) =>
        Effect.gen(function*() {
          const tableKey = `${key.app}\u0000${key.table}`
          const user = Option.getOrUndefined(HashMap.get(state.users, key.userId))
          const existing = user === undefined ? undefined : Option.getOrUndefined(HashMap.get(user.tables, tableKey))
          const entry: TableEntry = existing ?? {
            lock: yield* Effect.makeSemaphore(1),
            state: yield* SynchronizedRef.make(Option.none<TableState>())
          }
          const tables = HashMap.set(user?.tables ?? HashMap.empty(), tableKey, entry)
          const users = HashMap.set(state.users, key.userId, { lastUsed: state.tick, tables })
          return [entry, { tick: state.tick + 1, users: evictOldest(users, options.maxUsers) }] as const
        }))

    /** Pulls every page from the cursor and folds it in; the state changes only if all pages arrive. */
    const refresh = (previous: Option.Option<TableState>, pull: PullPage) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const base = Option.filter(previous, (s) => now - s.builtAt < rebuildMillis)
        let fold = Option.match(base, { onNone: () => emptyFold, onSome: (s) => s.fold })
        let batches = Option.match(base, { onNone: (): ReadonlyArray<Batch> => [], onSome: (s) => s.batches })
        const cursor = Option.flatMap(base, (s) => s.cursor)
        let since = Option.match(cursor, { onNone: () => EPOCH, onSome: (c) => formatInstantMicros(c - overlapMicros) })
        let until = cursor
        for (;;) {
          const page = yield* pull(since)
          fold = applyChanges(fold, page.serverChanges)
          const pageUntil = parseInstantMicros(page.syncedUntil)
          const eventIds = page.serverChanges.flatMap((c) => (c.eventId === undefined ? [] : [c.eventId]))
          batches = [...batches, { until: Option.getOrElse(pageUntil, () => Number.POSITIVE_INFINITY), eventIds }]
          if (Option.isSome(pageUntil)) until = pageUntil
          if (page.hasMore !== true) break
          since = page.syncedUntil
        }
        // Ids that the next pull (from cursor - overlap) cannot deliver again are forgotten.
        const horizon = Option.getOrElse(until, () => 0) - overlapMicros
        const stale = batches.filter((b) => b.until <= horizon)
        fold = forgetEvents(fold, stale.flatMap((b) => b.eventIds))
        const builtAt = Option.match(base, { onNone: () => now, onSome: (s) => s.builtAt })
        return { fold, cursor: until, batches: batches.filter((b) => b.until > horizon), builtAt } satisfies TableState
      })

    return {
      /** Live records of the key (all spaces), after folding in the delta. Fails with the pull's `SyncError`. */
      read: (key: ReadKey, pull: PullPage): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> =>
        Effect.flatMap(entryFor(key), (entry) =>
          entry.lock.withPermits(1)(
            SynchronizedRef.modifyEffect(entry.state, (previous) =>
              Effect.map(refresh(previous, pull), (next) => [liveRecords(next.fold), Option.some(next)] as const))
          ))
    } as const
  })

export type ReadCacheShape = Effect.Effect.Success<ReturnType<typeof makeReadCache>>

export class ReadCache extends Context.Tag("mana-mcp/ReadCache")<ReadCache, ReadCacheShape>() {
  static readonly layer = Layer.effect(ReadCache, makeReadCache(defaultReadCacheOptions))
  static readonly layerWith = (options: Partial<ReadCacheOptions>) =>
    Layer.effect(ReadCache, makeReadCache({ ...defaultReadCacheOptions, ...options }))
}
