/**
 * The expiry sweep: every half idle timeout (at most a minute), the sessions of this instance that
 * the store has expired are closed here; with a store of this process only, their events go too
 * (a shared store's events expire in Redis).
 */
import { Duration, Effect, Schedule } from "effect"
import type { SessionStoreShape } from "../../sessions/SessionRecord.ts"
import type { EventStoreShape } from "../../streams/EventStore.ts"
import type { SessionRegistry } from "./sessionRegistry.ts"

/** Forks (in the current scope) the sweep that closes expired sessions. */
export const forkExpirySweep = (
  registry: SessionRegistry,
  store: SessionStoreShape,
  eventStore: EventStoreShape,
  sessionIdleTimeout: Duration.Duration
) => {
  const sweepEvery = Duration.millis(Math.min(Duration.toMillis(sessionIdleTimeout) / 2, 60_000))
  return Effect.suspend(() => store.expired([...registry.live.keys(), ...registry.hibernated])).pipe(
    Effect.tap((expired) =>
      store.shared
        ? Effect.void
        : Effect.forEach(expired, (id) => Effect.ignore(eventStore.removeSession(id)), { discard: true })
    ),
    Effect.flatMap(registry.closeLocal),
    Effect.ignore,
    Effect.repeat(Schedule.spaced(sweepEvery)),
    Effect.forkScoped
  )
}
