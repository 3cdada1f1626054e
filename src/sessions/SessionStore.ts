/**
 * SessionStore: which 2025-era MCP session (`Mcp-Session-Id`) belongs to which user, what its
 * client negotiated, and when it was last used. It owns the session rules — owner check (403),
 * unknown or idle-expired (404), idle expiry after SESSION_IDLE_TIMEOUT, and the per-user cap
 * that closes the least recently used session. Plain data only: live SDK transports are
 * `LegacySessions`' job. Two layers with one contract (test/sessions/sessionStoreContract.ts):
 * memory for one instance, Redis for several.
 */
import { Context, Duration, Effect, Layer } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import type { SessionStoreShape } from "./SessionRecord.ts"
import { makeSessionStoreMemory } from "./sessionStoreMemory.ts"
import { makeSessionStoreRedis } from "./sessionStoreRedis.ts"

export { type NewSession, SessionForbidden, SessionNotFound, type SessionRecord } from "./SessionRecord.ts"

export class SessionStore extends Context.Tag("mana-mcp/SessionStore")<SessionStore, SessionStoreShape>() {
  /** In this process (`STATE_STORE=memory`); needs ManaConfig. */
  static readonly layerMemory = Layer.effect(
    SessionStore,
    Effect.flatMap(
      ManaConfig,
      (config) => makeSessionStoreMemory(Duration.toMillis(config.sessionIdleTimeout), config.maxSessionsPerUser)
    )
  )

  /** In Redis (`STATE_STORE=redis`); needs ManaConfig and RedisConnection. */
  static readonly layerRedis = Layer.effect(
    SessionStore,
    Effect.gen(function*() {
      const config = yield* ManaConfig
      const connection = yield* RedisConnection
      return yield* makeSessionStoreRedis(
        connection,
        Duration.toMillis(config.sessionIdleTimeout),
        config.maxSessionsPerUser
      )
    })
  )
}
