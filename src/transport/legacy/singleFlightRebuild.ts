/**
 * This instance's live session for a stored record: the one in memory, or one rebuilt from the
 * stored handshake (`sessionRebuild.ts`) when the session was hibernated here or opened on another
 * instance. Rebuilds are single-flight per id: concurrent requests for one session share one.
 */
import { Clock, type Context, Deferred, Effect, FiberId } from "effect"
import type { Metrics } from "../../observability/Metrics.ts"
import type { SessionRecord } from "../../sessions/SessionRecord.ts"
import type { TransportFailed } from "../http/HttpFailure.ts"
import { discard, type LiveSession } from "./LiveSession.ts"
import { type RebuildFailed, replayHandshake } from "./sessionRebuild.ts"
import type { SessionRegistry } from "./sessionRegistry.ts"

export const makeSingleFlightRebuild = (
  registry: SessionRegistry,
  metrics: Context.Tag.Service<Metrics>,
  makeSession: (id: string, userId: string) => Effect.Effect<LiveSession, TransportFailed>
) => {
  const building = new Map<string, Deferred.Deferred<LiveSession, RebuildFailed>>()
  const { hibernated, live } = registry
  return (record: SessionRecord, url: string): Effect.Effect<LiveSession, RebuildFailed> =>
    Effect.suspend(() => {
      const existing = live.get(record.id)
      if (existing !== undefined) return Effect.succeed(existing)
      const pending = building.get(record.id)
      if (pending !== undefined) return Deferred.await(pending)
      const deferred = Deferred.unsafeMake<LiveSession, RebuildFailed>(FiberId.none)
      building.set(record.id, deferred)
      const rebuild = Effect.gen(function*() {
        const session = yield* makeSession(record.id, record.userId).pipe(
          Effect.orElse(() => Effect.dieMessage("connect failed"))
        )
        session.events.suspended = true
        yield* replayHandshake(session.transport, record.id, record, url).pipe(
          Effect.tapError(() => discard(session))
        )
        session.events.suspended = false
        session.logLevel = record.logLevel
        session.activeAt = yield* Clock.currentTimeMillis
        const woken = hibernated.delete(record.id)
        live.set(record.id, session)
        yield* registry.publishCount
        yield* metrics.sessionRebuilt(woken ? "hibernated" : "elsewhere")
        if (woken) yield* Effect.logDebug("hibernated session woken", { sessionId: record.id })
        else yield* Effect.logInfo("session rebuilt on this instance", { sessionId: record.id })
        return session
      })
      return rebuild.pipe(
        Effect.exit,
        Effect.tap((exit) => Deferred.done(deferred, exit)),
        Effect.ensuring(Effect.sync(() => building.delete(record.id))),
        Effect.flatten
      )
    })
}
