/**
 * The two state-store backends a contract suite runs against: memory, and Redis on a real
 * `redis-server`. Each test gets a fresh key prefix, so tests sharing one server never see each
 * other's keys.
 */
import { Context, Effect, Layer, Redacted } from "effect"
import { Metrics } from "../../src/observability/Metrics.ts"
import { RedisConnection } from "../../src/state/RedisConnection.ts"

/** RedisConnection to `url` with a prefix of its own, plus the Metrics it counts errors in. */
export const redisConnectionLayer = (url: string) =>
  Layer.unwrapEffect(
    Effect.sync(() =>
      RedisConnection.layer({ url: Redacted.make(new URL(url)), prefix: `test-${crypto.randomUUID()}:` })
    )
  ).pipe(Layer.provideMerge(Metrics.layer))

/** A RedisConnection built in the current scope (closed with it), for contract suites' `make`. */
export const scopedRedisConnection = (url: string) =>
  Effect.map(Layer.build(redisConnectionLayer(url)), (context) => Context.get(context, RedisConnection))
