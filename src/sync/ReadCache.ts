/**
 * ReadCache: per (user, app, table) the folded state of everything the user can see plus the pull
 * cursor, so a read pulls and folds only the delta since the last read (docs/upstreams.md §3.4).
 * The next pull starts `overlap` before the cursor and deduplicates by eventId, covering boundary
 * ties and clock skew.
 *
 * A read does not pull at all while the state is fresh: its pull started less than `freshness`
 * ago (READ_FRESHNESS) and the table's write fence (`WriteFence`) is where it was when that pull
 * started. Otherwise concurrent reads of one key share one in-flight pull (single-flight) under
 * the same fence rule. So a read that starts after one of the gateway's writes returned (on any
 * instance sharing the fence) always gets a pull sent after it and sees the write; a change made
 * elsewhere is seen within `freshness`. A fence that cannot be read (Redis down) means "pull".
 * Pulls of one key never overlap. Memory is bounded by evicting the least recently used user.
 * Space filtering is the caller's job: the folded state covers all spaces.
 */
import { Clock, Context, Deferred, Duration, Effect, Exit, FiberId, HashSet, Layer, Option } from "effect"
import { ManaConfig } from "../config/Config.ts"
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
import { type FenceToken, WriteFence, type WriteFenceShape } from "./WriteFence.ts"

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
  /** READ_FRESHNESS: state whose pull started less than this ago is reused without pulling; 0 pulls on every read. */
  readonly freshness: Duration.DurationInput
}

export const defaultReadCacheOptions: ReadCacheOptions = {
  maxUsers: 1000,
  overlap: Duration.seconds(5),
  rebuildAfter: Duration.minutes(15),
  freshness: Duration.seconds(1)
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
  /** `Effect.succeed(live)`, built once: a read that reuses the state allocates nothing. */
  readonly reuse: Effect.Effect<ReadonlyArray<FoldedRecord>>
  /** The fence token and the time (epoch millis) when the pull that produced this state started. */
  readonly fence: FenceToken | undefined
  readonly pulledAt: number
}

/**
 * One pull in progress; `fence` is the table's fence token when it was started (`undefined`: the
 * fence could not be read, so nobody joins it and its state is never reused).
 */
interface Flight {
  readonly fence: FenceToken | undefined
  readonly startedAt: number
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

/** Needs the `WriteFence`; reads time from the `Clock` in context when it is made (the TestClock in tests). */
export const makeReadCache = (options: ReadCacheOptions) =>
  Effect.gen(function*() {
    const fence: WriteFenceShape = yield* WriteFence
    const clock = yield* Effect.clock
    const overlapMicros = Duration.toMillis(options.overlap) * 1000
    const rebuildMillis = Duration.toMillis(options.rebuildAfter)
    const freshnessMillis = Duration.toMillis(options.freshness)
    // Plain maps owned by this cache; every access is a synchronous step, so nothing can tear.
    // Insertion order is recency order: a read re-inserts its user, eviction takes the first.
    const users = new Map<string, Map<string, TableEntry>>()

    const entryFor = (key: ReadKey): TableEntry => {
      const tables = users.get(key.userId) ?? new Map<string, TableEntry>()
      users.delete(key.userId)
      users.set(key.userId, tables)
      if (users.size > options.maxUsers) {
        for (const userId of users.keys()) {
          if (users.size <= options.maxUsers) break
          users.delete(userId)
        }
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

    /** Pulls every page from the cursor and folds it in; the state changes only if all pages arrive. */
    const refresh = (
      previous: TableState | undefined,
      flight: Flight,
      pull: PullPage,
      folded: WeakMap<RecordState, FoldedRecord>
    ) =>
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
        const live = changed || base === undefined ? liveRecords(fold, folded) : base.live
        return {
          fold,
          cursor: until,
          batches: stale.length > 0 ? batches.filter((b) => b.until > horizon) : batches,
          builtAt: base?.builtAt ?? now,
          live,
          reuse: base !== undefined && live === base.live ? base.reuse : Effect.succeed(live),
          fence: flight.fence,
          pulledAt: flight.startedAt
        } satisfies TableState
      })

    /** Runs one flight under the key's lock and settles its Deferred, whatever the outcome (even interruption while queued). */
    const fly = (entry: TableEntry, flight: Flight, pull: PullPage) =>
      entry.lock.withPermits(1)(
        Effect.suspend(() => refresh(entry.state, flight, pull, entry.folded)).pipe(
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

    /** Whether `state` may be served as is to a read that saw `token`: same fence, fresh, not due for its rebuild. */
    const reusable = (
      state: TableState | undefined,
      token: FenceToken | undefined,
      now: number
    ): state is TableState => {
      if (state === undefined || token === undefined || state.fence !== token) return false
      const age = now - state.pulledAt
      // A clock that went backwards (age < 0) proves nothing about freshness: pull.
      return age >= 0 && age < freshnessMillis && now - state.builtAt < rebuildMillis
    }

    /** The read, once the fence's token is known (`undefined`: unknown, so neither reuse nor join). */
    const readWith = (
      entry: TableEntry,
      key: ReadKey,
      pull: PullPage,
      token: FenceToken | undefined
    ): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> => {
      const now = clock.unsafeCurrentTimeMillis()
      const state = entry.state
      if (reusable(state, token, now)) return state.reuse
      const current = entry.flight
      if (token !== undefined && current !== undefined && current.fence === token) {
        // The flight's owner may be interrupted (its caller went away); then read again.
        return Effect.flatMap(
          Effect.exit(Deferred.await(current.done)),
          (exit) => Exit.isInterrupted(exit) ? read(key, pull) : exit
        )
      }
      const flight: Flight = { fence: token, startedAt: now, done: Deferred.unsafeMake(FiberId.none) }
      entry.flight = flight
      return fly(entry, flight, pull)
    }

    const lookUpFence = (key: ReadKey) =>
      Effect.orElseSucceed(fence.current(key.app, key.table), (): FenceToken | undefined => undefined)

    const read = (key: ReadKey, pull: PullPage): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> =>
      Effect.suspend(() => {
        const entry = entryFor(key)
        const inProcess = fence.currentInProcess
        if (inProcess !== undefined) return readWith(entry, key, pull, inProcess(key.app, key.table))
        // Read before deciding: the token must be from before the pull it may start. A failure is
        // counted by the store and means "pull" (fail towards freshness).
        return Effect.flatMap(lookUpFence(key), (token) => readWith(entry, key, pull, token))
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
       * Records that one of this gateway's writes to `app`/`table` is about to return: reads that
       * start from now on (on every instance sharing the fence) neither reuse nor join a pull
       * started earlier. Never fails: the write already happened, and failing the tool call would
       * tell the agent it did not (an agent would retry it). A fence the store could not move is
       * counted and logged by the store; this instance still fences its own reads, other instances
       * see the write within `freshness` (docs/reliability.md).
       */
      noteWrite: (app: string, table: string): Effect.Effect<void> => Effect.ignore(fence.advance(app, table))
    } as const
  })

export type ReadCacheShape = Effect.Effect.Success<ReturnType<typeof makeReadCache>>

export class ReadCache extends Context.Tag("mana-mcp/ReadCache")<ReadCache, ReadCacheShape>() {
  /** READ_FRESHNESS from the configuration; needs ManaConfig and WriteFence. */
  static readonly layer = Layer.effect(
    ReadCache,
    Effect.flatMap(
      ManaConfig,
      (config) => makeReadCache({ ...defaultReadCacheOptions, freshness: config.readFreshness })
    )
  )
  /** The defaults with some options replaced; needs WriteFence. */
  static readonly layerWith = (options: Partial<ReadCacheOptions>) =>
    Layer.effect(ReadCache, makeReadCache({ ...defaultReadCacheOptions, ...options }))
  /**
   * For tests of what a read sees rather than when: pulls on every read (READ_FRESHNESS=0), with
   * a fence of its own. Tests of the freshness window use `layerWith`.
   */
  static readonly layerTest = ReadCache.layerWith({ freshness: Duration.zero }).pipe(
    Layer.provide(WriteFence.layerMemory)
  )
}
