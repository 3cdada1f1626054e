/**
 * LiveSync: one change-notification connection to mana-sync per active user (docs/architecture.md,
 * "Live data"). A user is active while they called within `idleAfter` (the sync client's `touch`)
 * or something retains them (an MCP resource subscription). The connection authenticates with the
 * user's own newest token (never a service key); a newer token replaces the connection, the
 * token's expiry or the user going idle closes it, and a failure is retried with `backoff`. With
 * several instances only the one holding the user's claim connects (`LiveRelay`); what it learns
 * reaches every instance once, where it marks the read cache (`ReadCache.noteNotified`,
 * `setConnected`) and is published to `UserChanges`.
 */
import { type Socket } from "@effect/platform"
import {
  Clock,
  Context,
  Deferred,
  Duration,
  Effect,
  Exit,
  FiberId,
  FiberSet,
  Layer,
  type Redacted,
  Schedule
} from "effect"
import { Upstreams } from "../config/Upstreams.ts"
import type { CallerShape } from "../domain/Caller.ts"
import { Metrics } from "../observability/Metrics.ts"
import { ReadCache } from "../sync/ReadCache.ts"
import { LiveActivity } from "./LiveActivity.ts"
import { LiveRelay } from "./LiveRelay.ts"
import { LiveConnectionFailed, runNotificationSocket } from "./notificationSocket.ts"
import { UserChanges } from "./UserChanges.ts"

export interface LiveSyncOptions {
  /** A user with no call for this long, and nothing retaining them, is idle: their connection closes. */
  readonly idleAfter: Duration.DurationInput
  readonly authTimeout: Duration.DurationInput
  readonly pingEvery: Duration.DurationInput
  /** Delays between failed connection attempts of one user. */
  readonly backoff: Schedule.Schedule<unknown, unknown>
}

/** 250 ms, doubling, at most 30 s apart, jittered so users reconnect spread out after an outage. */
export const liveBackoff: Schedule.Schedule<unknown, unknown> = Schedule.union(
  Schedule.exponential("250 millis"),
  Schedule.spaced("30 seconds")
).pipe(Schedule.jittered)

export const defaultLiveSyncOptions: LiveSyncOptions = {
  idleAfter: Duration.minutes(5),
  authTimeout: Duration.seconds(10),
  pingEvery: Duration.seconds(15),
  backoff: liveBackoff
}

interface Slot {
  readonly userId: string
  token: Redacted.Redacted<string>
  /** The token's `exp`, epoch millis. */
  expiresAt: number
  lastActive: number
  retained: number
  /** Completed (then replaced) when a newer token arrives: ends any wait of the slot's fiber. */
  wake: Deferred.Deferred<void>
  /** This instance's connection for the user, once `auth-ok` arrived. */
  connectionId: string | undefined
  running: boolean
}

export interface LiveStats {
  /** Connections this instance holds, authenticated. */
  readonly connections: number
  /** Users active on this instance. */
  readonly activeUsers: number
  /** Of those, users whose connection is down (anywhere): their reads use the READ_FRESHNESS window. */
  readonly fallbackUsers: number
}

const newWake = () => Deferred.unsafeMake<void>(FiberId.none)
const refreshStep = 60_000

export const makeLiveSync = (options: LiveSyncOptions) =>
  Effect.gen(function*() {
    const cache = yield* ReadCache
    const changes = yield* UserChanges
    const relay = yield* LiveRelay
    const { syncUrl } = yield* Upstreams
    const metrics = (yield* Metrics).live
    const clock = yield* Effect.clock
    const run = yield* FiberSet.makeRuntime<Socket.WebSocketConstructor>()
    const idleMillis = Duration.toMillis(options.idleAfter)
    const slots = new Map<string, Slot>()
    const connectionStatus = new Map<string, string>()
    let connections = 0
    let nextConnection = 0

    yield* relay.listen({
      notice: (userId, appId, tables) =>
        Effect.suspend(() => {
          cache.noteNotified(userId, appId, tables)
          return changes.publish({ userId, appId, tables })
        }),
      status: (userId, connection) =>
        Effect.sync(() => {
          if (connection === undefined) {
            if (connectionStatus.delete(userId)) cache.setConnected(userId, false)
          } else if (connectionStatus.get(userId) !== connection) {
            connectionStatus.set(userId, connection)
            cache.setConnected(userId, true)
          }
        })
    }, () =>
      [...slots.values()].flatMap((slot) =>
        slot.connectionId === undefined ? [] : [[slot.userId, slot.connectionId] as const]
      ))

    const isActive = (slot: Slot, now: number) =>
      slot.retained > 0 || now - slot.lastActive < idleMillis
    /** Sleeps until `deadline` (epoch millis) or until the slot is woken. */
    const waitUntil = (slot: Slot, deadline: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const wake = slot.wake
        return Effect.race(
          Effect.as(Deferred.await(wake), true),
          Effect.as(Effect.sleep(Math.max(0, deadline - now)), false)
        )
          .pipe(Effect.map((woken) => {
            if (woken && slot.wake === wake) {
              slot.wake = newWake()
            }
          }))
      })

    /** Ends when the connection should: a newer token, the token's expiry, idleness, or a lost claim. */
    const watch = (slot: Slot) =>
      Effect.gen(function*() {
        const token = slot.token
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          if (slot.token !== token || slot.expiresAt <= now || !isActive(slot, now)) {
            return
          }
          if (!(yield* relay.claim(slot.userId))) {
            return
          }
          const renew = now + Duration.toMillis(relay.renewEvery)
          yield* waitUntil(slot, Math.min(slot.expiresAt, slot.lastActive + idleMillis, renew))
        }
      })

    const hold = (slot: Slot) => {
      const id = `${nextConnection++}-${slot.userId.slice(0, 8)}`
      const connection = runNotificationSocket({
        syncUrl,
        token: slot.token,
        authTimeout: options.authTimeout,
        pingEvery: options.pingEvery,
        onUp: Effect.suspend(() => {
          slot.connectionId = id
          connections += 1
          return Effect.ignore(relay.status(slot.userId, id))
        }),
        onNotice: (appId, tables) =>
          Effect.suspend(() => {
            metrics.notificationReceived()
            // A notice no instance heard would go unseen: better to drop the connection (others fall back).
            return Effect.mapError(
              relay.notice(slot.userId, appId, tables),
              () =>
                new LiveConnectionFailed({ reason: "closed" })
            )
          })
      })
      return Effect.raceFirst(connection, watch(slot)).pipe(
        Effect.ensuring(Effect.suspend(() => {
          if (slot.connectionId !== id) return Effect.void
          slot.connectionId = undefined
          connections -= 1
          return Effect.ignore(relay.status(slot.userId, undefined))
        }))
      )
    }

    const supervise = (slot: Slot) =>
      Effect.gen(function*() {
        const backoff = yield* Schedule.driver(options.backoff)
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          if (!isActive(slot, now)) return
          const idleAt = slot.lastActive + idleMillis
          if (slot.expiresAt <= now) {
            // The token expired: wait for the user's next call with a fresh one (or for idleness).
            yield* waitUntil(slot, slot.retained > 0 ? now + idleMillis : idleAt)
            continue
          }
          if (!(yield* relay.claim(slot.userId))) {
            yield* waitUntil(slot, Math.min(idleAt, now + Duration.toMillis(relay.renewEvery)))
            continue
          }
          const outcome = yield* Effect.either(hold(slot))
          if (outcome._tag === "Right") {
            yield* backoff.reset
            continue
          }
          metrics.connectionFailed()
          yield* Effect.logDebug("live: notification connection failed", { reason: outcome.left.reason })
          yield* Effect.ignore(backoff.next(undefined))
        }
      }).pipe(
        Effect.ensuring(Effect.suspend(() => {
          slot.running = false
          if (slots.get(slot.userId) === slot && slot.retained === 0) slots.delete(slot.userId)
          return relay.release(slot.userId)
        }))
      )

    const start = (slot: Slot) => {
      if (slot.running) return
      slot.running = true
      run(supervise(slot))
    }

    const touch = (caller: CallerShape): void => {
      const now = clock.unsafeCurrentTimeMillis()
      const userId = caller.principal.userId
      const expiresAt = caller.principal.expiresAt * 1000
      const slot = slots.get(userId)
      if (slot === undefined) {
        const created: Slot = {
          userId,
          token: caller.token,
          expiresAt,
          lastActive: now,
          retained: 0,
          wake: newWake(),
          connectionId: undefined,
          running: false
        }
        slots.set(userId, created)
        start(created)
        return
      }
      slot.lastActive = now
      // A refreshed token (one that lives at least a minute longer) replaces the connection's; a
      // client minting a token per request thus reconnects at most once a minute.
      if (expiresAt >= slot.expiresAt + refreshStep || (slot.expiresAt <= now && expiresAt > now)) {
        slot.token = caller.token
        slot.expiresAt = expiresAt
        Deferred.unsafeDone(slot.wake, Exit.void)
      }
      start(slot)
    }

    const stats = Effect.sync((): LiveStats => {
      let fallbackUsers = 0
      for (const userId of slots.keys()) if (!cache.isConnected(userId)) fallbackUsers += 1
      return { connections, activeUsers: slots.size, fallbackUsers }
    })
    yield* Effect.forkScoped(Effect.repeat(
      Effect.map(stats, (now) => {
        metrics.setConnectionsOpen(now.connections)
        metrics.setUsersFallback(now.fallbackUsers)
      }),
      Schedule.spaced("1 second")
    ))

    const retain = (caller: CallerShape) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          touch(caller)
          const slot = slots.get(caller.principal.userId)
          if (slot !== undefined) slot.retained += 1
          return slot
        }),
        (slot) =>
          Effect.sync(() => {
            if (slot === undefined) return
            slot.retained -= 1
            slot.lastActive = clock.unsafeCurrentTimeMillis()
          })
      ).pipe(Effect.asVoid)

    return { touch, retain, stats } as const
  })

export type LiveSyncShape = Effect.Effect.Success<ReturnType<typeof makeLiveSync>>

export class LiveSync extends Context.Tag("mana-mcp/LiveSync")<LiveSync, LiveSyncShape>() {
  /** Needs ReadCache, UserChanges, LiveRelay, Upstreams, Metrics and a `Socket.WebSocketConstructor`; provides LiveActivity too. */
  static readonly layerWith = (options: Partial<LiveSyncOptions> = {}) =>
    Layer.scopedContext(Effect.map(
      makeLiveSync({ ...defaultLiveSyncOptions, ...options }),
      (live) => Context.make(LiveSync, live).pipe(Context.add(LiveActivity, { touch: live.touch, retain: live.retain }))
    ))
  static readonly layer = LiveSync.layerWith()
}
