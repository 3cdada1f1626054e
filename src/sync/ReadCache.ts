/**
 * ReadCache: per (user, app, table) the folded state of everything the user can see plus the pull
 * cursor, so a read pulls and folds only the delta since the last read (docs/upstreams.md §3.4;
 * `readCacheState.ts`). Whether a read may reuse the state without a pull is decided here
 * (docs/reliability.md, "The read cache", states the guarantees):
 *
 * - A read looks first (`Look`): the write fence's token of (app, table, the space it reads), and
 *   how many change notifications the user's table received. Reuse or joining a pull in flight
 *   needs an equal look, so a read that starts after one of the gateway's writes in that space
 *   returned (on any instance sharing the fence), or after a notification arrived, always gets a
 *   pull sent after it. A fence that cannot be read (Redis down) means "pull", never shared.
 * - With an equal look the state is reused while its pull started less than `freshness` ago
 *   (READ_FRESHNESS), or, for reads in the user's personal space, for as long as the user's
 *   notification connection that was up when the pull started is still up (`liveMarks.ts`):
 *   mana-sync notifies every change of the user's own data on it. Other spaces keep the window,
 *   because mana-sync does not notify changes made by other members.
 *
 * Pulls of one key never overlap. Memory is bounded by users and by records held in all
 * (`cacheBudget.ts`): beyond either, the least recently read users are dropped.
 * Space filtering is the caller's job: the folded state covers all spaces.
 */
import { Context, Deferred, Duration, Effect, Exit, FiberId, HashMap, Layer, Option } from "effect"
import { ManaConfig } from "../config/Config.ts"
import type { PullReason } from "../observability/liveMetrics.ts"
import { Metrics } from "../observability/Metrics.ts"
import { type CachedUser, makeCacheBudget } from "./cacheBudget.ts"
import { deletedRecords, type FoldedRecord, type RecordState } from "./fold.ts"
import { makeLiveMarks, tableKey } from "./liveMarks.ts"
import { type Look, type PullPage, refresh, type TableState } from "./readCacheState.ts"
import type { SyncError } from "./SyncErrors.ts"
import { type FenceToken, WriteFence, type WriteFenceShape } from "./WriteFence.ts"

export type { PullPage } from "./readCacheState.ts"

export interface ReadKey {
  readonly userId: string
  readonly app: string
  readonly table: string
  /** The space the read is for: its write fence is the one looked at (default: none). */
  readonly spaceId?: string
  /** Whether that is the user's personal space, where notifications cover every change. */
  readonly personal?: boolean
}

export interface ReadCacheOptions {
  /** Users whose state is kept; the least recently used beyond this are dropped. */
  readonly maxUsers: number
  /** READ_CACHE_MAX_RECORDS: records kept over all users; the least recently used users beyond it are dropped. */
  readonly maxRecords: number
  /** How far before the cursor each delta pull starts. */
  readonly overlap: Duration.DurationInput
  /** State older than this is rebuilt from the epoch (picks up rows of newly joined spaces). */
  readonly rebuildAfter: Duration.DurationInput
  /** READ_FRESHNESS: state whose pull started less than this ago is reused without pulling; 0 pulls on every read. */
  readonly freshness: Duration.DurationInput
}

export const defaultReadCacheOptions: ReadCacheOptions = {
  maxUsers: 1000,
  maxRecords: 200_000,
  overlap: Duration.seconds(5),
  rebuildAfter: Duration.minutes(15),
  freshness: Duration.seconds(1)
}

/** One pull in progress, with the look of the read that started it. */
interface Flight {
  readonly look: Look
  readonly startedAt: number
  readonly done: Deferred.Deferred<ReadonlyArray<FoldedRecord>, SyncError>
}

interface TableEntry {
  readonly lock: Effect.Semaphore
  /** Written only by the flight holding `lock`. */
  state: TableState | undefined
  /** The newest flight a read may join. */
  flight: Flight | undefined
  /** Change notifications received for this user's table (never absorbed as an own echo). */
  notified: number
  /** Unchanged records keep their `FoldedRecord` across states (see `liveRecords`). */
  readonly folded: WeakMap<RecordState, FoldedRecord>
  /** The user whose table this is, and how many records `state` holds (their share of the budget). */
  readonly owner: CachedUser<TableEntry>
  records: number
}

const sameLook = (a: Look, b: Look) =>
  a.fence !== undefined && a.fence === b.fence && a.space === b.space && a.notified === b.notified

/** Needs the `WriteFence`, and `Metrics` if present; reads time from the `Clock` in context when made. */
export const makeReadCache = (options: ReadCacheOptions) =>
  Effect.gen(function*() {
    const fence: WriteFenceShape = yield* WriteFence
    const metrics = Option.map(yield* Effect.serviceOption(Metrics), (m) => m.live)
    const count = Option.getOrUndefined(metrics)
    const clock = yield* Effect.clock
    const refreshOptions = {
      overlapMicros: Duration.toMillis(options.overlap) * 1000,
      rebuildMillis: Duration.toMillis(options.rebuildAfter)
    }
    const freshnessMillis = Duration.toMillis(options.freshness)
    const marks = makeLiveMarks()
    const budget = makeCacheBudget<TableEntry>(
      options,
      Option.getOrUndefined(Option.map(metrics, (m) => ({ records: m.setCacheRecords, evicted: m.cacheEvicted })))
    )

    const entryFor = (key: ReadKey): TableEntry => {
      const owner = budget.touch(key.userId)
      const keyOfTable = tableKey(key.app, key.table)
      const existing = owner.tables.get(keyOfTable)
      if (existing !== undefined) return existing
      const entry: TableEntry = {
        lock: Effect.unsafeMakeSemaphore(1),
        state: undefined,
        flight: undefined,
        notified: 0,
        folded: new WeakMap(),
        owner,
        records: 0
      }
      owner.tables.set(keyOfTable, entry)
      return entry
    }

    /** Runs one flight under the key's lock and settles its Deferred, whatever the outcome (even interruption while queued). */
    const fly = (entry: TableEntry, flight: Flight, pull: PullPage) =>
      entry.lock.withPermits(1)(
        Effect.suspend(() => refresh(refreshOptions, entry.state, flight, pull, entry.folded)).pipe(
          Effect.map((next) => {
            entry.state = next
            const records = HashMap.size(next.fold.records)
            budget.resize(entry.owner, records - entry.records)
            entry.records = records
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

    /** How `state` may serve a read with `look` (`undefined`: it may not, so the read pulls). */
    const reuseOf = (state: TableState | undefined, look: Look, personal: boolean, now: number) => {
      if (state === undefined || !sameLook(state.look, look)) return undefined
      const age = now - state.pulledAt
      // A clock that went backwards (age < 0) proves nothing about freshness: pull.
      if (age < 0 || now - state.builtAt >= refreshOptions.rebuildMillis) return undefined
      if (age < freshnessMillis) return "window" as const
      // READ_FRESHNESS=0 stays "pull on every read", notifications or not.
      if (freshnessMillis > 0 && personal && look.liveGen !== undefined && state.look.liveGen === look.liveGen) {
        return "live" as const
      }
      return undefined
    }

    const reasonOf = (state: TableState | undefined, look: Look): PullReason => {
      if (state === undefined || state.look.space !== look.space) return "cold"
      if (state.look.fence !== look.fence || look.fence === undefined) return "fence"
      if (state.look.notified !== look.notified) return "notified"
      return "window"
    }

    /** The read, once the look is taken. */
    const readWith = (
      entry: TableEntry,
      key: ReadKey,
      pull: PullPage,
      look: Look
    ): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> => {
      const now = clock.unsafeCurrentTimeMillis()
      const state = entry.state
      const how = reuseOf(state, look, key.personal === true, now)
      if (how !== undefined && state !== undefined) {
        count?.servedWithoutPull(how)
        return state.reuse
      }
      const current = entry.flight
      if (current !== undefined && sameLook(current.look, look)) {
        count?.servedWithoutPull("joined")
        // The flight's owner may be interrupted (its caller went away); then read again.
        return Effect.flatMap(
          Effect.exit(Deferred.await(current.done)),
          (exit) => Exit.isInterrupted(exit) ? read(key, pull) : exit
        )
      }
      count?.pulled(reasonOf(state, look))
      const flight: Flight = { look, startedAt: now, done: Deferred.unsafeMake(FiberId.none) }
      entry.flight = flight
      return fly(entry, flight, pull)
    }

    const lookOf = (entry: TableEntry, key: ReadKey, token: FenceToken | undefined): Look => ({
      space: key.spaceId ?? "",
      fence: token,
      notified: entry.notified,
      liveGen: marks.liveGen(key.userId)
    })

    const read = (key: ReadKey, pull: PullPage): Effect.Effect<ReadonlyArray<FoldedRecord>, SyncError> =>
      Effect.suspend(() => {
        const entry = entryFor(key)
        const space = key.spaceId ?? ""
        const inProcess = fence.currentInProcess
        if (inProcess !== undefined) {
          return readWith(entry, key, pull, lookOf(entry, key, inProcess(key.app, key.table, space)))
        }
        // Look before deciding: the token must be from before the pull it may start. A failure is
        // counted by the store and means "pull" (fail towards freshness).
        return Effect.flatMap(
          Effect.orElseSucceed(fence.current(key.app, key.table, space), (): FenceToken | undefined => undefined),
          (token) => readWith(entry, key, pull, lookOf(entry, key, token))
        )
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
       * Records that one of this gateway's writes to `app`/`table` in `space` is about to return:
       * reads of that space that start from now on (on every instance sharing the fence) neither
       * reuse nor join a pull started earlier. Never fails: the write already happened, and failing
       * the tool call would tell the agent it did not (an agent would retry it). A fence the store
       * could not move is counted and logged by the store; this instance still fences its own
       * reads, other instances see the write within `freshness` (docs/reliability.md).
       */
      noteWrite: (app: string, table: string, space = ""): Effect.Effect<void> =>
        Effect.ignore(fence.advance(app, table, space)),
      /** The user's notification connection came up (after `auth-ok`) or went down. */
      setConnected: (userId: string, up: boolean): void => marks.setConnected(userId, up),
      /** Before this instance pushes the user's changes to (app, tables): the echo it will cause is no news. */
      expectEcho: marks.expectEcho,
      /** The push failed: its echo may never come. */
      cancelEcho: marks.cancelEcho,
      /**
       * mana-sync said the user's (app, tables) changed: the next read of each pulls, unless the
       * notice is the expected echo of one of this instance's own pushes (whose write fence
       * already makes the next read pull once).
       */
      noteNotified: (userId: string, app: string, tables: ReadonlyArray<string>): void => {
        const entries = budget.peek(userId)?.tables
        for (const table of tables) {
          if (marks.absorbEcho(userId, app, table)) continue
          const entry = entries?.get(tableKey(app, table))
          if (entry !== undefined) entry.notified += 1
        }
      },
      /** Whether the user's notification connection is up, as this cache knows it. */
      isConnected: (userId: string): boolean => marks.liveGen(userId) !== undefined
    } as const
  })

export type ReadCacheShape = Effect.Effect.Success<ReturnType<typeof makeReadCache>>

export class ReadCache extends Context.Tag("mana-mcp/ReadCache")<ReadCache, ReadCacheShape>() {
  /** READ_FRESHNESS from the configuration; needs ManaConfig and WriteFence (and counts into Metrics if present). */
  static readonly layer = Layer.effect(
    ReadCache,
    Effect.flatMap(
      ManaConfig,
      (config) =>
        makeReadCache({
          ...defaultReadCacheOptions,
          freshness: config.readFreshness,
          maxRecords: config.readCacheMaxRecords
        })
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
