/**
 * The 2025 sessions of this instance: live ones (SDK objects in memory) and hibernated ones (only
 * the store's record is left). Live SDK objects cannot leave this process; the store decides which
 * ids are valid. Closing here drops a session's SDK objects; ending it everywhere also announces it
 * on the bus and forgets its stored events.
 */
import { type Context, Effect } from "effect"
import type { Metrics } from "../../observability/Metrics.ts"
import type { SessionBusShape } from "../../sessions/SessionBus.ts"
import type { EventStoreShape } from "../../streams/EventStore.ts"
import { discard, type LiveSession } from "./LiveSession.ts"

export interface SessionRegistry {
  readonly live: Map<string, LiveSession>
  readonly hibernated: Set<string>
  /** Publishes the active and hibernated gauges. */
  readonly publishCount: Effect.Effect<void>
  /** Drops these sessions' SDK objects on this instance. */
  readonly closeLocal: (ids: ReadonlyArray<string>) => Effect.Effect<void>
  /** A session ended (DELETE, cap eviction): gone from every instance and its events. */
  readonly endEverywhere: (ids: ReadonlyArray<string>) => Effect.Effect<void>
}

export const makeSessionRegistry = (
  metrics: Context.Tag.Service<Metrics>,
  bus: SessionBusShape,
  eventStore: EventStoreShape
): SessionRegistry => {
  const live = new Map<string, LiveSession>()
  const hibernated = new Set<string>()

  const publishCount = Effect.suspend(() =>
    Effect.zipRight(
      metrics.setSessionsActive(live.size + hibernated.size),
      metrics.setSessionsHibernated(hibernated.size)
    )
  )

  const closeLocal = (ids: ReadonlyArray<string>) =>
    Effect.forEach(ids, (id) => {
      const session = live.get(id)
      live.delete(id)
      hibernated.delete(id)
      return session === undefined ? Effect.void : discard(session)
    }, { discard: true }).pipe(Effect.zipRight(publishCount))

  const endEverywhere = (ids: ReadonlyArray<string>) =>
    Effect.all([
      bus.announceClosed(ids).pipe(Effect.ignore),
      Effect.forEach(ids, (id) => Effect.ignore(eventStore.removeSession(id)), { discard: true }),
      closeLocal(ids)
    ], { discard: true })

  return { live, hibernated, publishCount, closeLocal, endEverywhere }
}
