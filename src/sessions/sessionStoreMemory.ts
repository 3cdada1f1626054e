/**
 * The in-memory SessionStore (`STATE_STORE=memory`, one instance): a Map of records plus, per
 * user, a Set in recency order (touch re-inserts at the end), so touch and create are O(1)
 * amortized. Owned by the layer instance and mutated only inside `Effect.sync`, so each
 * operation is atomic.
 */
import { Clock, Effect, Option } from "effect"
import {
  type NewSession,
  SessionForbidden,
  SessionNotFound,
  type SessionRecord,
  type SessionStoreShape
} from "./SessionRecord.ts"

export const makeSessionStoreMemory = (idleMillis: number, maxPerUser: number) =>
  Effect.sync((): SessionStoreShape => {
    const sessions = new Map<string, SessionRecord>()
    const byUser = new Map<string, Set<string>>()
    const isIdle = (record: SessionRecord, now: number) => now - record.lastSeenAt > idleMillis

    const forget = (id: string) => {
      const record = sessions.get(id)
      if (record === undefined) return
      sessions.delete(id)
      const own = byUser.get(record.userId)
      own?.delete(id)
      if (own?.size === 0) byUser.delete(record.userId)
    }

    const forgetIdle = (now: number) => {
      for (const record of [...sessions.values()]) if (isIdle(record, now)) forget(record.id)
    }

    const create = (session: NewSession) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sessions.set(session.id, { ...session, createdAt: now, lastSeenAt: now })
        const own = byUser.get(session.userId) ?? new Set<string>()
        byUser.set(session.userId, own.add(session.id))
        // Idle sessions no longer count against the cap, even before a sweep forgets them.
        for (const id of own) {
          const record = sessions.get(id)
          if (record !== undefined && isIdle(record, now)) forget(id)
        }
        const evicted: Array<string> = []
        for (const oldest of own) {
          if (own.size - evicted.length <= maxPerUser) break
          evicted.push(oldest)
        }
        evicted.forEach(forget)
        return evicted
      })

    const touch = (id: string, userId: string) =>
      Effect.flatMap(
        Clock.currentTimeMillis,
        (now): Effect.Effect<SessionRecord, SessionNotFound | SessionForbidden> => {
          const record = sessions.get(id)
          if (record === undefined || isIdle(record, now)) return Effect.fail(new SessionNotFound())
          if (record.userId !== userId) return Effect.fail(new SessionForbidden())
          const touched = { ...record, lastSeenAt: now }
          sessions.set(id, touched)
          const own = byUser.get(userId)
          own?.delete(id)
          own?.add(id)
          return Effect.succeed(touched)
        }
      )

    const expired = (ids: ReadonlyArray<string>) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        forgetIdle(now)
        return ids.filter((id) => !sessions.has(id))
      })

    return {
      shared: false,
      generation: Effect.succeed(Option.some(0)),
      create,
      touch,
      setLogLevel: (id, logLevel) =>
        Effect.sync(() => {
          const record = sessions.get(id)
          if (record !== undefined) sessions.set(id, { ...record, logLevel })
        }),
      remove: (id) => Effect.sync(() => forget(id)),
      expired
    }
  })
