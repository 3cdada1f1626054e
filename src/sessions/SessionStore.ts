/**
 * SessionStore: which MCP session (2025-era, `Mcp-Session-Id`) belongs to which user, and when
 * it was last used. It owns the session rules — owner check (403), unknown or idle-expired (404),
 * idle eviction after SESSION_IDLE_TIMEOUT, and the per-user cap that closes the least recently
 * used session. It holds only plain data and returns ids, never live objects, so a Redis layer can
 * replace the in-memory one for several instances. Live SDK transports are `LegacySessions`' job.
 */
import { Clock, Context, Duration, Effect, Layer, Schema } from "effect"
import { ManaConfig } from "../config/Config.ts"

export class SessionNotFound extends Schema.TaggedError<SessionNotFound>()("SessionNotFound", {}) {
  override get message() {
    return "Session not found: it never existed, was closed, or expired after being idle. Start a new session with an initialize request (no Mcp-Session-Id header)."
  }
}

export class SessionForbidden extends Schema.TaggedError<SessionForbidden>()("SessionForbidden", {}) {
  override get message() {
    return "Session belongs to a different user. Start your own session with an initialize request."
  }
}

export interface SessionRecord {
  readonly id: string
  readonly userId: string
  readonly createdAt: number
  readonly lastSeenAt: number
}

export interface SessionStoreShape {
  /** Registers a new session for `userId`; returns the ids of the user's sessions closed to respect the cap. */
  readonly create: (id: string, userId: string) => Effect.Effect<ReadonlyArray<string>>
  /** Looks a session up for `userId` and marks it used. Fails with SessionNotFound (unknown/expired) or SessionForbidden. */
  readonly touch: (id: string, userId: string) => Effect.Effect<SessionRecord, SessionNotFound | SessionForbidden>
  readonly remove: (id: string) => Effect.Effect<void>
  /** Removes every session idle for longer than the timeout; returns their ids. */
  readonly sweep: Effect.Effect<ReadonlyArray<string>>
  readonly count: Effect.Effect<number>
}

export class SessionStore extends Context.Tag("mana-mcp/SessionStore")<SessionStore, SessionStoreShape>() {
  static readonly inMemory = Layer.effect(
    SessionStore,
    Effect.gen(function*() {
      const { maxSessionsPerUser, sessionIdleTimeout } = yield* ManaConfig
      return yield* makeInMemory(Duration.toMillis(sessionIdleTimeout), maxSessionsPerUser)
    })
  )
}

export const makeInMemory = (idleMillis: number, maxPerUser: number) =>
  Effect.sync(() => {
    // Owned by this layer instance; mutated only inside Effect.sync, so each operation is atomic.
    // Each user's Set keeps their sessions in recency order (touch re-inserts at the end), so
    // touch and create are O(1) amortized.
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

    const create = (id: string, userId: string) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        sessions.set(id, { id, userId, createdAt: now, lastSeenAt: now })
        const own = byUser.get(userId) ?? new Set<string>()
        byUser.set(userId, own.add(id))
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

    const sweep = Effect.map(Clock.currentTimeMillis, (now) => {
      const idle = [...sessions.values()].filter((record) => isIdle(record, now)).map((record) => record.id)
      idle.forEach(forget)
      return idle
    })

    return {
      create,
      touch,
      remove: (id: string) => Effect.sync(() => forget(id)),
      sweep,
      count: Effect.sync(() => sessions.size)
    } satisfies SessionStoreShape
  })
