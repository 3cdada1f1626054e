/**
 * The read cache's per-table state and how one pull builds the next state from the previous one:
 * every page from `cursor - overlap` is folded in (deduplicated by eventId), the cursor moves to
 * the last page's `syncedUntil`, and ids the next pull cannot deliver again are forgotten. State
 * older than `rebuildAfter` starts again from the epoch. The state changes only if every page arrives.
 */
import { Clock, Effect, HashSet, Option } from "effect"
import {
  applyChanges,
  emptyFold,
  type FoldedRecord,
  type FoldState,
  forgetEvents,
  liveRecords,
  type RecordState
} from "./fold.ts"
import type { SyncError } from "./SyncErrors.ts"
import { EPOCH, formatInstantMicros, parseInstantMicros, type PullResponse } from "./SyncWire.ts"

/**
 * What a read looked at before deciding: the space it reads, the write fence's token of (app,
 * table, space) (`undefined`: the fence could not be read), and how many change notifications the
 * user's table had received. A state or flight is reusable only by a read with an equal look.
 */
export interface Look {
  readonly space: string
  readonly fence: string | undefined
  readonly notified: number
  /** The user's notification-connection generation when the look was taken, if it was up. */
  readonly liveGen: number | undefined
}

/** Event ids of one pull page and the page's `syncedUntil`: none of them can be newer. */
interface Batch {
  readonly until: number
  readonly eventIds: ReadonlyArray<string>
}

export interface TableState {
  readonly fold: FoldState
  /** `syncedUntil` of the last complete pull, in epoch microseconds. */
  readonly cursor: Option.Option<number>
  readonly batches: ReadonlyArray<Batch>
  readonly builtAt: number
  /** `liveRecords(fold)`, computed once per state: a read that brings nothing new reuses it. */
  readonly live: ReadonlyArray<FoldedRecord>
  /** `Effect.succeed(live)`, built once: a read that reuses the state allocates nothing. */
  readonly reuse: Effect.Effect<ReadonlyArray<FoldedRecord>>
  /** The look of the read that started the pull producing this state, and when (epoch millis) it started. */
  readonly look: Look
  readonly pulledAt: number
}

/** Fetches one page of the table from `since`. */
export type PullPage = (since: string) => Effect.Effect<PullResponse, SyncError>

export interface RefreshOptions {
  readonly overlapMicros: number
  readonly rebuildMillis: number
}

/** A page whose every change was already applied (the overlap re-delivering) changes nothing. */
const bringsNews = (fold: FoldState, page: PullResponse) =>
  page.serverChanges.some((change) => change.eventId === undefined || !HashSet.has(fold.seen, change.eventId))

/** Pulls every page from the cursor and folds it in; the state changes only if all pages arrive. */
export const refresh = (
  options: RefreshOptions,
  previous: TableState | undefined,
  started: { readonly look: Look; readonly startedAt: number },
  pull: PullPage,
  folded: WeakMap<RecordState, FoldedRecord>
) =>
  Effect.gen(function*() {
    const { overlapMicros, rebuildMillis } = options
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
      look: started.look,
      pulledAt: started.startedAt
    } satisfies TableState
  })
