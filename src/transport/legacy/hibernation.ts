/**
 * Hibernation: a scoped sweep on the Effect `Clock` drops the SDK objects of every session unused
 * for SESSION_HIBERNATE_AFTER; the session keeps its store record and is rebuilt by its next
 * request (`singleFlightRebuild.ts`). After many hibernations, a quiet sweep runs a full
 * collection (`collectGarbage.ts`) so an idle gateway does not keep the dropped objects resident.
 */
import { Clock, Duration, Effect, Schedule } from "effect"
import { collectGarbage } from "./collectGarbage.ts"
import { discard, type LiveSession } from "./LiveSession.ts"
import type { SessionRegistry } from "./sessionRegistry.ts"

/** How often sessions are checked for hibernation: half the threshold, at most this. */
const maxHibernateSweepMillis = 10_000
/** A full collection (`collectGarbage`) runs once this many sessions hibernated, at a quiet sweep. */
const collectAfterSessions = 256

/** Forks (in the current scope) the sweep that hibernates sessions idle for `afterMillis`. */
export const forkHibernation = (registry: SessionRegistry, afterMillis: number) => {
  const { hibernated, live } = registry
  let hibernatedSinceCollection = 0

  /**
   * Drops the SDK objects of every session unused for `afterMillis`: no request since, no open
   * GET stream, no request pending in either direction. One synchronous pass, so a request
   * either took its session before (and it stays) or finds it gone and rebuilds it.
   */
  const hibernateIdle = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    Effect.suspend(() => {
      const idle: Array<LiveSession> = []
      for (const [id, session] of live) {
        if (session.requests > 0 || session.streams > 0 || session.routed.busy) session.activeAt = now
        else if (now - session.activeAt >= afterMillis) {
          live.delete(id)
          hibernated.add(id)
          idle.push(session)
        }
      }
      hibernatedSinceCollection += idle.length
      return idle.length === 0
        ? Effect.void
        : Effect.zipRight(registry.publishCount, Effect.forEach(idle, discard, { discard: true }))
    }))

  /**
   * The dropped SDK objects are garbage in the old generation: a busy gateway collects them at its
   * next full collection, an idle one may not for a long time and keeps them resident. So once
   * enough sessions hibernated, the first sweep that finds no 2025 request running collects
   * (at most once per sweep; the pause is logged at debug level). It runs before the sweep's own
   * pass, not after it: objects the pass just dropped are still referenced until it ends.
   */
  const collectIfQuiet = Effect.suspend(() => {
    if (
      hibernatedSinceCollection < collectAfterSessions ||
      [...live.values()].some((session) => session.requests > 0 || session.routed.busy)
    ) return Effect.void
    hibernatedSinceCollection = 0
    const started = performance.now()
    collectGarbage()
    return Effect.logDebug("collected garbage after hibernating sessions", {
      millis: Math.round(performance.now() - started)
    })
  })

  return Effect.zipRight(collectIfQuiet, hibernateIdle).pipe(
    Effect.repeat(Schedule.spaced(Duration.millis(Math.min(afterMillis / 2, maxHibernateSweepMillis)))),
    Effect.forkScoped
  )
}
