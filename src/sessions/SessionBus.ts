/**
 * SessionBus: the messages gateway instances exchange about 2025-era sessions. "Closed": a session
 * was deleted, evicted by the per-user cap, or expired, so every instance drops its live transport
 * at once. "Response": a client answered a server→client request (e.g. an elicitation) with a POST
 * that landed on an instance other than the one waiting for the answer; it is handed to that
 * instance. With one instance (memory) there is nobody to tell; with Redis it is pub/sub.
 */
import { Context, Effect, Layer } from "effect"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeSessionBusRedis } from "./sessionBusRedis.ts"
import type { SessionBusShape } from "./SessionBusShape.ts"

export type { SessionBusHandlers, SessionBusShape } from "./SessionBusShape.ts"

const randomInstanceId = () => crypto.randomUUID().replaceAll("-", "").slice(0, 12)

export class SessionBus extends Context.Tag("mana-mcp/SessionBus")<SessionBus, SessionBusShape>() {
  /** One instance: nothing to announce, nobody to forward to. */
  static readonly layerMemory = Layer.sync(SessionBus, (): SessionBusShape => ({
    instanceId: randomInstanceId(),
    announceClosed: () => Effect.void,
    forward: () => Effect.succeed(false),
    listen: () => Effect.void
  }))

  /** Redis pub/sub; needs RedisConnection. */
  static readonly layerRedis = Layer.effect(
    SessionBus,
    Effect.map(RedisConnection, (connection) => makeSessionBusRedis(connection, randomInstanceId()))
  )
}
