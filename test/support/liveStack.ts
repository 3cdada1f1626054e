/**
 * Live data in-process: the dev mana-sync with its live endpoints on a real socket, and gateway
 * instances (sync client, read cache, notification connections, relay) built from the same layers
 * as `npm start` but with the `ws` WebSocket client (Node). Instances share nothing unless given
 * the same Redis (`STATE_STORE=redis` as in production: fence and relay in Redis).
 */
import { FetchHttpClient } from "@effect/platform"
import { Context, Duration, Effect, Layer, Option, Redacted, Schedule } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { makeDevSync } from "../../src/dev/sync/DevSync.ts"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { Ids } from "../../src/domain/Ids.ts"
import { LiveRelay } from "../../src/live/LiveRelay.ts"
import { LiveSync, type LiveSyncOptions } from "../../src/live/LiveSync.ts"
import { UserChanges } from "../../src/live/UserChanges.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { RedisConnection } from "../../src/state/RedisConnection.ts"
import { ReadCache } from "../../src/sync/ReadCache.ts"
import { SyncClient } from "../../src/sync/SyncClient.ts"
import { SyncClientHttp } from "../../src/sync/SyncClientHttp.ts"
import { WriteFence } from "../../src/sync/WriteFence.ts"
import { startJwksServer } from "./jwksServer.ts"
import { serveLiveSync, wsClientLayer } from "./liveSyncServer.ts"
import { metricValue } from "./prometheus.ts"
import { emailOf, memberships, principalFor } from "./users.ts"

export const startLiveUpstream = Effect.gen(function*() {
  const issuer = yield* startJwksServer
  const devSync = yield* Effect.orDie(makeDevSync({ jwksUrl: issuer.jwksUrl, memberships, dataDir: Option.none() }))
  const server = yield* serveLiveSync(devSync)
  /** A caller in `spaceId` (their personal space unless told) whose token expires in `ttlSeconds`. */
  const caller = (userId: string, spaceId: string, options: { ttlSeconds?: number; personal?: boolean } = {}) =>
    Effect.gen(function*() {
      const exp = Math.floor(Date.now() / 1000) + (options.ttlSeconds ?? 900)
      const token = yield* issuer.sign({ claims: { sub: userId, email: emailOf(userId), exp } })
      return {
        principal: { ...principalFor(userId), expiresAt: exp },
        spaceId,
        personalSpaceId: options.personal === false ? undefined : spaceId,
        token: Redacted.make(token)
      } satisfies CallerShape
    })
  return { issuer, devSync, syncUrl: server.url, dropSockets: server.dropSockets, caller }
})

export interface InstanceOptions {
  readonly freshness?: Duration.DurationInput
  readonly live?: Partial<LiveSyncOptions>
  /** Redis shared with other instances: URL and key prefix. */
  readonly redis?: { readonly url: string; readonly prefix: string }
}

/** One gateway instance's live-data services, built in the current scope. */
export const startInstance = (syncUrl: string, options: InstanceOptions = {}) =>
  Effect.gen(function*() {
    const base = Layer.mergeAll(
      Layer.succeed(Upstreams, { authUrl: "http://127.0.0.1:1", syncUrl, issuers: [] }),
      ManaConfig.layerWith({ upstreamTimeout: Duration.seconds(10) }),
      Metrics.layer,
      FetchHttpClient.layer,
      Ids.layerTest,
      wsClientLayer,
      UserChanges.layer
    )
    const redis = options.redis
    const state = redis === undefined
      ? Layer.merge(LiveRelay.layerMemory, WriteFence.layerMemory)
      : Layer.merge(LiveRelay.layerRedis, WriteFence.layerRedis).pipe(
        Layer.provide(RedisConnection.layer({ url: Redacted.make(new URL(redis.url)), prefix: redis.prefix }))
      )
    const layer = SyncClientHttp.pipe(
      Layer.provideMerge(LiveSync.layerWith(options.live)),
      Layer.provideMerge(ReadCache.layerWith({ freshness: options.freshness ?? Duration.seconds(1) })),
      Layer.provideMerge(state),
      Layer.provideMerge(base)
    )
    const context = yield* Layer.build(layer)
    const metrics = Context.get(context, Metrics)
    const metric = (name: string, labels: Record<string, string> = {}) =>
      Effect.map(metrics.render, (text) => metricValue(text, name, labels))
    const pulls = Effect.map(metrics.render, (text) =>
      ["cold", "fence", "notified", "window"].reduce(
        (sum, reason) => sum + metricValue(text, "mana_mcp_read_cache_pulls_total", { reason }),
        0
      ))
    return {
      sync: Context.get(context, SyncClient),
      live: Context.get(context, LiveSync),
      changes: Context.get(context, UserChanges),
      cache: Context.get(context, ReadCache),
      metric,
      pulls
    }
  })

/** Polls `probe` until `check` holds (the test's timeout bounds it). */
export const eventually = <A, E, R>(probe: Effect.Effect<A, E, R>, check: (value: A) => boolean) =>
  Effect.repeat(probe, { until: check, schedule: Schedule.spaced("10 millis") })
