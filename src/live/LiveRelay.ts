/**
 * LiveRelay: how what one notification connection learns reaches every instance, once each. In
 * memory (one instance) it is a direct call. With `STATE_STORE=redis` (`liveRelayRedis.ts`) one
 * instance holds a user's connection (a lease in Redis), publishes each notice and, every
 * `heartbeat`, which connections it holds; every instance (the holder too) applies what it hears.
 * A connection not heard of for `statusTtl` counts as down (its holder died or Redis is cut off).
 */
import { Context, Duration, Effect, Layer } from "effect"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeLiveRelayRedis } from "./liveRelayRedis.ts"
import type { LiveHandlers, LiveRelayShape } from "./LiveRelayShape.ts"

export type { LiveHandlers, LiveRelayShape } from "./LiveRelayShape.ts"

export const makeLiveRelayMemory = (): LiveRelayShape => {
  let delivered: LiveHandlers | undefined
  return {
    notice: (userId, appId, tables) => delivered?.notice(userId, appId, tables) ?? Effect.void,
    status: (userId, connection) => delivered?.status(userId, connection) ?? Effect.void,
    claim: () => Effect.succeed(true),
    release: () => Effect.void,
    listen: (handlers) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          delivered = handlers
        }),
        () =>
          Effect.sync(() => {
            delivered = undefined
          })
      ),
    renewEvery: Duration.minutes(1)
  }
}

export class LiveRelay extends Context.Tag("mana-mcp/LiveRelay")<LiveRelay, LiveRelayShape>() {
  static readonly layerMemory = Layer.sync(LiveRelay, makeLiveRelayMemory)
  /** Shared by every instance through Redis (`STATE_STORE=redis`); needs RedisConnection. */
  static readonly layerRedis = Layer.effect(
    LiveRelay,
    Effect.map(
      RedisConnection,
      (connection) => makeLiveRelayRedis(connection, crypto.randomUUID().replaceAll("-", "").slice(0, 12))
    )
  )
}
