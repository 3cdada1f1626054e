/**
 * ResourceWatch: the resource subscriptions of this instance, fed by `UserChanges` (mana-sync's
 * change notifications, whoever wrote). A *watcher* is one 2025 session or one 2026-07-28
 * `subscriptions/listen` stream: a caller (user, space, token), a sink for notifications, the URIs
 * it watches and whether it wants list changes. While a user has a watcher, one fiber follows that
 * user's changes; for each change of (app, tables) it recomputes the state of every watched
 * resource on those tables *as that watcher's caller sees it* (`resourceState`) and sends
 * `updated` when it differs, and `listChanged` when the set of listed records differs. Watches
 * are bounded per user (`LimitReached` beyond). A watcher whose token expired is ended at its
 * next change. While a watcher lives it retains its user (`LiveActivity`), so the user's
 * notification connection to mana-sync stays open even when the agent makes no calls. Holds ids,
 * URIs and digests only.
 */
import { Clock, Context, Effect, Exit, Layer, Option, Scope, Stream } from "effect"
import type { CallerShape } from "../domain/Caller.ts"
import { LiveActivity } from "../live/LiveActivity.ts"
import { type UserChange, UserChanges } from "../live/UserChanges.ts"
import { Metrics } from "../observability/Metrics.ts"
import { SyncClient, type SyncClientShape } from "../sync/SyncClient.ts"
import { refOf } from "./readResource.ts"
import { ResourceFailure } from "./ResourceErrors.ts"
import { watchedTables } from "./resourceKinds.ts"
import { listState, resourceState } from "./resourceState.ts"
import { recordKinds, type RecordResourceKind, type ResourceRef } from "./resourceUris.ts"

/** Where a watcher's notifications go. Called synchronously; must not throw. */
export interface WatchSink {
  readonly updated: (uri: string) => void
  readonly listChanged: () => void
  /** The gateway ended the watcher (its token expired): close the stream it feeds. */
  readonly ended: () => void
}

export interface Watcher {
  /** Starts watching `uri` (no-op if already watched). Fails `LimitReached` beyond the user's bound. */
  readonly watch: (uri: string) => Effect.Effect<void, ResourceFailure>
  readonly unwatch: (uri: string) => Effect.Effect<void>
  /** Also send `listChanged` when records are added to or removed from `resources/list`. */
  readonly watchList: Effect.Effect<void, ResourceFailure>
  /** The caller of the session's latest request: a refreshed token, or another space. */
  readonly setCaller: (caller: CallerShape) => void
  readonly close: Effect.Effect<void>
}

export interface ResourceWatchShape {
  readonly open: (caller: CallerShape, sink: WatchSink) => Effect.Effect<Watcher>
  /** How many URIs (and list watches) `userId` watches on this instance. */
  readonly watchCount: (userId: string) => number
}

export interface ResourceWatchOptions {
  /** Watched URIs plus list watches per user, over all their sessions and streams on this instance. */
  readonly maxPerUser: number
}

export const defaultResourceWatchOptions: ResourceWatchOptions = { maxPerUser: 100 }

interface WatchedUri {
  readonly ref: ResourceRef
  state: string | undefined
}

interface WatcherState {
  caller: CallerShape
  readonly sink: WatchSink
  readonly uris: Map<string, WatchedUri>
  list: Map<RecordResourceKind, string> | undefined
  closed: boolean
  /** Holds the user's notification connection open while the watcher lives (`LiveActivity.retain`). */
  readonly retained: Scope.CloseableScope
}

interface UserWatch {
  readonly watchers: Set<WatcherState>
  readonly scope: Scope.CloseableScope
}

const sizeOf = (watcher: WatcherState) => watcher.uris.size + (watcher.list === undefined ? 0 : 1)

const touches = (ref: ResourceRef, change: UserChange) => {
  const watched = watchedTables(ref)
  return watched.app === change.appId && watched.tables.some((table) => change.tables.includes(table))
}

export const makeResourceWatch = (options: ResourceWatchOptions = defaultResourceWatchOptions) =>
  Effect.gen(function*() {
    const changes = yield* UserChanges
    const sync: SyncClientShape = yield* SyncClient
    const metrics = (yield* Metrics).resources
    /** Watches on this instance, for the gauge. */
    let watching = 0
    const counted = (delta: number) => {
      watching += delta
      metrics.setWatches(watching)
    }
    // Absent without live data (unit tests): nothing to hold open.
    const live = yield* Effect.serviceOption(LiveActivity)
    const users = new Map<string, UserWatch>()
    // Opening and closing a user's change feed are rare; one at a time keeps the map consistent.
    const lock = yield* Effect.makeSemaphore(1)

    const countOf = (userId: string) => {
      let count = 0
      for (const watcher of users.get(userId)?.watchers ?? []) count += sizeOf(watcher)
      return count
    }

    const limitReached = (userId: string) => {
      metrics.refused()
      return new ResourceFailure({
        reason: "LimitReached",
        detail: `Too many resource subscriptions: this user already watches ${
          countOf(userId)
        } resources on this gateway (at most ${options.maxPerUser} over all sessions and subscriptions/listen streams). Unsubscribe from some (resources/unsubscribe, or close a listen stream) and retry.`
      })
    }

    /** A state that cannot be computed now (upstream down) is left as it was: no notification. */
    const stateOr = <A>(effect: Effect.Effect<A, unknown>, previous: A) =>
      effect.pipe(Effect.catchAll(() => Effect.succeed(previous)))

    /** Forgets `watcher` (its watches stop counting); returns its user's watch if that was the last watcher. */
    const detach = (userId: string, watcher: WatcherState): UserWatch | undefined => {
      if (!watcher.closed) counted(-sizeOf(watcher))
      watcher.closed = true
      const user = users.get(userId)
      return user !== undefined && user.watchers.delete(watcher) && user.watchers.size === 0 ? user : undefined
    }

    /** Ends the user's change feed, unless a watcher was opened meanwhile. */
    const endFeed = (userId: string, user: UserWatch) =>
      lock.withPermits(1)(Effect.suspend(() => {
        if (users.get(userId) !== user || user.watchers.size > 0) return Effect.void
        users.delete(userId)
        return Scope.close(user.scope, Exit.void)
      }))

    /** After `detach`: release the connection, and end the feed if it was the user's last watcher. */
    const release = (userId: string, watcher: WatcherState, last: UserWatch | undefined) =>
      Effect.zipRight(
        Scope.close(watcher.retained, Exit.void),
        last === undefined ? Effect.void : endFeed(userId, last)
      )

    const closeWatcher = (userId: string, watcher: WatcherState) =>
      Effect.suspend(() => watcher.closed ? Effect.void : release(userId, watcher, detach(userId, watcher)))

    const follow = (userId: string, watcher: WatcherState, change: UserChange) =>
      Effect.gen(function*() {
        if (watcher.closed) return
        const nowSeconds = (yield* Clock.currentTimeMillis) / 1000
        if (watcher.caller.principal.expiresAt <= nowSeconds) {
          const last = detach(userId, watcher)
          watcher.sink.ended()
          // Not awaited here: ending the user's feed ends this very fiber.
          yield* Effect.forkDaemon(release(userId, watcher, last))
          return
        }
        for (const [uri, watched] of watcher.uris) {
          if (!touches(watched.ref, change)) continue
          const state = yield* stateOr(resourceState(sync, watcher.caller, watched.ref), watched.state)
          if (state === watched.state || watcher.closed) continue
          watched.state = state
          metrics.updated()
          watcher.sink.updated(uri)
        }
        const list = watcher.list
        if (list === undefined) return
        let changed = false
        for (const kind of recordKinds) {
          if (!touches({ kind, id: "" }, change)) continue
          const previous = list.get(kind) ?? ""
          const state = yield* stateOr(listState(sync, watcher.caller, kind), previous)
          if (state === previous) continue
          list.set(kind, state)
          changed = true
        }
        if (changed && !watcher.closed) {
          metrics.listChanged()
          watcher.sink.listChanged()
        }
      })

    /** The user's change feed, subscribed before this returns so no change after it is missed. */
    const userWatch = (userId: string) =>
      Effect.gen(function*() {
        const existing = users.get(userId)
        if (existing !== undefined) return existing
        const scope = yield* Scope.make()
        const feed = yield* Scope.extend(changes.subscribe(userId), scope)
        const user: UserWatch = { watchers: new Set(), scope }
        yield* Effect.forkIn(
          Stream.runForEach(feed, (change) =>
            Effect.forEach([...user.watchers], (watcher) =>
              follow(userId, watcher, change), { discard: true })),
          scope
        )
        users.set(userId, user)
        return user
      })

    const open = (caller: CallerShape, sink: WatchSink): Effect.Effect<Watcher> =>
      Effect.gen(function*() {
        const userId = caller.principal.userId
        const retained = yield* Scope.make()
        if (Option.isSome(live)) yield* Scope.extend(live.value.retain(caller), retained)
        const watcher: WatcherState = { caller, sink, uris: new Map(), list: undefined, closed: false, retained }
        yield* lock.withPermits(1)(Effect.map(userWatch(userId), (user) => user.watchers.add(watcher)))

        const watch = (uri: string) =>
          Effect.gen(function*() {
            const ref = yield* refOf(uri)
            if (watcher.closed || watcher.uris.has(uri)) return
            if (countOf(userId) >= options.maxPerUser) return yield* Effect.fail(limitReached(userId))
            // Counted at once; its baseline follows (a change meanwhile compares against it).
            const watched: WatchedUri = { ref, state: undefined }
            watcher.uris.set(uri, watched)
            counted(1)
            watched.state = yield* stateOr(resourceState(sync, watcher.caller, ref), undefined)
          })

        const watchList = Effect.gen(function*() {
          if (watcher.closed || watcher.list !== undefined) return
          if (countOf(userId) >= options.maxPerUser) return yield* Effect.fail(limitReached(userId))
          const list = new Map<RecordResourceKind, string>()
          watcher.list = list
          counted(1)
          for (const kind of recordKinds) {
            const state = yield* stateOr(listState(sync, watcher.caller, kind), "")
            list.set(kind, state)
          }
        })

        return {
          watch,
          unwatch: (uri) =>
            Effect.sync(() => {
              if (!watcher.closed && watcher.uris.delete(uri)) counted(-1)
            }),
          watchList,
          setCaller: (next) => {
            watcher.caller = next
            if (Option.isSome(live)) live.value.touch(next)
          },
          close: closeWatcher(userId, watcher)
        } satisfies Watcher
      })

    // Shutdown: every user's feed ends with the layer.
    yield* Effect.addFinalizer(() =>
      Effect.suspend(() => {
        const open = [...users.values()]
        users.clear()
        return Effect.forEach(open, (user) => Scope.close(user.scope, Exit.void), { discard: true })
      })
    )
    return { open, watchCount: countOf } satisfies ResourceWatchShape
  })

export class ResourceWatch extends Context.Tag("mana-mcp/ResourceWatch")<ResourceWatch, ResourceWatchShape>() {
  static readonly layer = Layer.scoped(ResourceWatch, makeResourceWatch())
  static readonly layerWith = (options: ResourceWatchOptions) => Layer.scoped(ResourceWatch, makeResourceWatch(options))
}
