/**
 * Finding the live session a request names and taking it for that request. With a shared store, a
 * session verified recently under the store's current generation is served without a round trip
 * (`verifiedLocally`); anything else takes the authoritative `touch` first, and rebuilds the
 * session here when it is not live (`singleFlightRebuild.ts`).
 */
import { Clock, Effect, Option } from "effect"
import type { SessionRecord } from "../../sessions/SessionRecord.ts"
import type { SessionStoreShape } from "../../sessions/SessionRecord.ts"
import type { LiveSession } from "./LiveSession.ts"
import { RebuildFailed } from "./sessionRebuild.ts"
import type { SessionRegistry } from "./sessionRegistry.ts"

/** A request that finds its session hibernated or closed just after looking it up retries this often. */
const takeAttempts = 3

export const makeSessionLookup = (
  registry: SessionRegistry,
  store: SessionStoreShape,
  idleMillis: number,
  liveSession: (record: SessionRecord, url: string) => Effect.Effect<LiveSession, RebuildFailed>
) => {
  const { closeLocal, live } = registry

  const markVerified = (session: LiveSession) =>
    Effect.gen(function*() {
      session.verifiedAt = yield* Clock.currentTimeMillis
      session.generation = Option.getOrElse(yield* store.generation, () => -1)
    })

  /**
   * With a shared store, a session live here, owned by the caller, used within the idle timeout
   * and verified under the store's current generation needs no round trip before the request:
   * a DELETE, eviction or expiry elsewhere reaches this instance as a "closed" message (which
   * drops it from `live`), and a reconnect (messages possibly lost) changes the generation. The
   * touch that keeps it alive in the store is sent without waiting; if it finds the session gone,
   * the session is closed here. Anything else takes the authoritative `touch` first.
   */
  const verifiedLocally = (id: string, userId: string) =>
    Effect.gen(function*() {
      const session = live.get(id)
      if (!store.shared || session === undefined || session.userId !== userId) return Option.none()
      const generation = yield* store.generation
      const now = yield* Clock.currentTimeMillis
      if (
        Option.isNone(generation) || generation.value !== session.generation ||
        now - session.verifiedAt > idleMillis
      ) return Option.none()
      session.verifiedAt = now
      yield* store.touch(id, userId).pipe(
        Effect.catchTags({
          SessionNotFound: () => closeLocal([id]),
          SessionForbidden: () => closeLocal([id])
        }),
        Effect.ignore,
        Effect.forkDaemon
      )
      return Option.some(session)
    })

  const authoritative = (id: string, userId: string, url: string) =>
    Effect.gen(function*() {
      const record = yield* store.touch(id, userId)
      const session = yield* liveSession(record, url)
      yield* markVerified(session)
      return session
    })

  /**
   * Marks `session` in use by one request if it is still this instance's live session for `id`:
   * a hibernation sweep or a close may have dropped it since it was looked up (then `None`).
   */
  const take = (id: string, session: LiveSession) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        if (live.get(id) !== session) return Option.none<LiveSession>()
        session.requests += 1
        session.activeAt = now
        return Option.some(session)
      }))

  const release = (session: LiveSession) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        session.requests -= 1
        session.activeAt = now
      }))

  /** The live session for `id`, taken for this request (rebuilt if it was hibernated meanwhile). */
  const takeSession = (id: string, userId: string, url: string) =>
    Effect.gen(function*() {
      const local = yield* verifiedLocally(id, userId)
      let candidate = Option.isSome(local) ? local.value : yield* authoritative(id, userId, url)
      for (let attempt = 1;; attempt++) {
        const taken = yield* take(id, candidate)
        if (Option.isSome(taken)) return taken.value
        if (attempt >= takeAttempts) return yield* Effect.fail(new RebuildFailed({ step: "take" }))
        candidate = yield* authoritative(id, userId, url)
      }
    })

  return { markVerified, takeSession, release }
}
