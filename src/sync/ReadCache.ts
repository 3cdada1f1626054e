/**
 * ReadCache: per (user, app, table) the folded state of everything the user can see plus the pull
 * cursor, so a read pulls and folds only the delta since the last read (docs/upstreams.md §3.4).
 * The next pull starts `overlap` before the cursor and deduplicates by eventId, covering boundary
 * ties and clock skew. Concurrent reads of one key share one in-flight pull (single-flight) as long
 * as none of this gateway's writes to that table returned after the pull was started: a read that
 * starts after a write returned always gets a pull sent after it, so it sees the write. Pulls of
 * one key never overlap. Memory is bounded by evicting the least recently used user. Space
 * filtering is the caller's job: the folded state covers all spaces.
 */
import { Clock, Context, Deferred, Duration, Effect, Exit, FiberId, HashSet, Layer, Option } from "effect"
import {
  applyChanges,
  deletedRecords,
  emptyFold,
  type FoldedRecord,
  type FoldState,
  forgetEvents,
  liveRecords,
  type RecordState
} from "./fold.ts"
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
  /** `liveRecords(fold)`, computed once per state: a read that brings nothing new reuses it. */
  readonly live: ReadonlyArray<FoldedRecord>
}

/** One pull in progress; `generation` is the table's write generation when it was started. */
interface Flight {
  readonly generation: number
  readonly done: Deferred.Deferred<ReadonlyArray<FoldedRecord>, SyncError>
}

interface TableEntry {
  readonly lock: Effect.Semaphore
  /** Written only by the flight holding `lock`. */
  state: TableState | undefined
  /** The newest flight a read may join. */
  flight: Flight | undefined
  /** Unchanged records keep their `FoldedRecord` across states (see `liveRecords`). */
  readonly folded: WeakMap<RecordState, FoldedRecord>
}

/** Fetches one page of the table from `since`. */
export type PullPage = (since: string) => Effect.Effect<PullResponse, SyncError>

/** A page whose every change was already applied (the overlap re-delivering) changes nothing. */
const bringsNews = (fold: FoldState, page: PullResponse) =>
  page.serverChanges.some((change) => change.eventId === undefined || !HashSet.has(fold.seen, change.eventId))

export const makeReadCache = (options: ReadCacheOptions) =>
  Effect.sync(() => {
    const overlapMicros = Duration.toMillis(options.overlap) * 1000
    const rebuildMillis = Duration.toMillis(options.rebuildAfter)
    // Plain maps owned by this cache; every access is a synchronous step, so nothing can tear.
    // Insertion order is recency order: a read re-inserts its user, eviction takes the first.
    const users = new Map<string, Map<string, TableEntry>>()
    // Per `app\0table`: bumped each time one of this gateway's writes to the table returns.
    const writeGenerations = new Map<string, number>()

    const entryFor = (key: ReadKey): TableEntry => {
      const tables = users.get(key.userId) ?? new Map<string, TableEntry>()
      users.delete(key.userId)
      users.set(key.userId, tables)
      for (const userId of users.keys()) {
        if (users.size <= options.maxUsers) break
        users.delete(userId)
      }
      const tableKey = `${key.app}\u0000${key.table}`
      const existing = tables.get(tableKey)
      if (existing !== undefined) return existing
      const entry: TableEntry = {
        lock: Effect.unsafeMakeSemaphore(1),
        state: undefined,
        flight: undefined,
        folded: new WeakMap()
      }
      tables.set(tableKey, entry)
      return entry
    }

    const generationOf = (key: ReadKey) => writeGenerations.get(`${key.app}\u0000${key.table}`) ?? 0

    /** Pulls every page from the cursor and folds it in; the state changes only if all pages arrive. */
    const refresh = (previous: TableState | undefined, pull: PullPage, folded: WeakMap<RecordState, FoldedRecord>) =>
      Effect.gen(function*() {
        const now = yield* Clock.currentTimeMillis
        const base = previous !== undefined && now - previous.builtAt < rebuildMillis ? previous : undefined
        let fold = base?.fold ?? emptyFold
        let changed = base === undefined
        let batches: ReadonlyArray<Batch> = base?.batches ?? []
        const cursor = Option.fromNullable(base).pipe(Option.flatMap((s) => s.cursor))
        let since = Option.match(cursor, { onNone: () => EPOCH, onSome: (c) => formatInstantMicros(c - overlapMicros) })
        let until = cursor
        for (;;) {
          const page = yield* pull(since)
          if (bringsNews(fold, page)) {
            fold = applyChanges(fold, page.serverChanges)
            changed = true
          }
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
        if (stale.length > 0) fold = forgetEvents(fold, stale.flatMap((b) => b.eventIds))
        return {
          fold,
          cursor: until,
          batches: stale.length > 0 ? batches.filter((b) => b.until > horizon) : batches,
          builtAt: base?.builtAt ?? now,
          live: changed || base === undefined ? liveRecords(fold, folded) : base.live
        } satisfies TableState
      })

    /** Runs one flight under the key's lock and settles its Deferred, whatever the outcome (even interruption while queued). */
    const fly = (entry: TableEntry, flight: Flight, pull: PullPage) =>
      entry.lock.withPermits(1)(
        Effect.suspend(() => refresh(entry.state, pull, entry.folded)).pipe(
          Effect.map((next) => {
            entry.state = next
            return next.live
          })
        )
      ).pipe(
        Effect.onExit((exit) =>
          Effect.suspend(() => {
            if (entry.flight === flight) entry.flight = undefined
            return Deferred.done(flight.done, exit)
          })
        )
      )

    const read = (key: ReadKey, pull: PullPage): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> =>
      Effect.suspend(() => {
        const entry = entryFor(key)
        const generation = generationOf(key)
        const current = entry.flight
        if (current !== undefined && current.generation === generation) {
          // The flight's owner may be interrupted (its caller went away); then pull ourselves.
          return Effect.flatMap(
            Effect.exit(Deferred.await(current.done)),
            (exit) => Exit.isInterrupted(exit) ? read(key, pull) : exit
          )
        }
        const flight: Flight = { generation, done: Deferred.unsafeMake(FiberId.none) }
        entry.flight = flight
        return fly(entry, flight, pull)
      })

    return {
      /** Live records of the key (all spaces), after folding in the delta. Fails with the pull's `SyncError`. */
      read,
      /** Soft-deleted records of the key (the trash), after the same refresh as `read`. */
      readDeleted: (key: ReadKey, pull: PullPage): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> =>
        Effect.flatMap(read(key, pull), () =>
          Effect.sync(() => {
            const state = entryFor(key).state
            return state === undefined ? [] : deletedRecords(state.fold)
          })),
      /**
       * Records that one of this gateway's writes to `app`/`table` has returned: reads that start
       * from now on do not join a pull started earlier.
       */
      noteWrite: (app: string, table: string): Effect.Effect<void> =>
        Effect.sync(() => {
          const tableKey = `${app}\u0000${table}`
          writeGenerations.set(tableKey, (writeGenerations.get(tableKey) ?? 0) + 1)
        })
    } as const
  })

export type ReadCacheShape = Effect.Effect.Success<ReturnType<typeof makeReadCache>>

export class ReadCache extends Context.Tag("mana-mcp/ReadCache")<ReadCache, ReadCacheShape>() {
  static readonly layer = Layer.effect(ReadCache, makeReadCache(defaultReadCacheOptions))
  static readonly layerWith = (options: Partial<ReadCacheOptions>) =>
    Layer.effect(ReadCache, makeReadCache({ ...defaultReadCacheOptions, ...options }))
}
