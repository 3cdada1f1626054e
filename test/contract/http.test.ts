/**
 * The SyncClient contract against the live HTTP client: the DevSync app on a real `node:http`
 * socket, JWTs signed by a test Ed25519 key served as a JWKS, `FetchHttpClient` in between.
 */
import { FetchHttpClient } from "@effect/platform"
import { describe } from "@effect/vitest"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import { Upstreams } from "../../src/config/Upstreams.ts"
import { makeDevSync } from "../../src/dev/sync/DevSync.ts"
import { Ids } from "../../src/domain/Ids.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { ReadCache } from "../../src/sync/ReadCache.ts"
import { httpTransport, SyncClientHttp } from "../../src/sync/SyncClientHttp.ts"
import { serveApp } from "../support/httpServer.ts"
import { startJwksServer } from "../support/jwksServer.ts"
import { callerFor, memberships } from "../support/users.ts"
import { Harness, syncContract } from "./syncContract.ts"

class Servers extends Context.Tag("test/DevSyncServers")<Servers, {
  readonly syncUrl: string
  readonly sign: (sub: string) => Effect.Effect<string>
  readonly setPaid: (userId: string, paid: boolean) => Effect.Effect<void>
}>() {}

const servers = Layer.scoped(
  Servers,
  Effect.gen(function*() {
    const issuer = yield* startJwksServer
    const devSync = yield* Effect.orDie(makeDevSync({ jwksUrl: issuer.jwksUrl, memberships, dataDir: Option.none() }))
    const syncUrl = yield* serveApp(devSync.app)
    return { syncUrl, sign: issuer.tokenFor, setPaid: devSync.setPaid }
  })
)

const upstream = Layer.unwrapEffect(Effect.map(Servers, ({ syncUrl }) =>
  Layer.mergeAll(
    Layer.succeed(Upstreams, { authUrl: "http://127.0.0.1:1", syncUrl, issuers: [] }),
    ManaConfig.layerWith({ upstreamTimeout: Duration.seconds(10) }),
    Metrics.layer,
    FetchHttpClient.layer
  )))

const harness = Layer.effect(
  Harness,
  Effect.gen(function*() {
    const { setPaid, sign } = yield* Servers
    const transport = yield* httpTransport
    return {
      caller: (userId: string, spaceId: string) =>
        Effect.map(sign(userId), (token) => callerFor(userId, spaceId, token)),
      badCaller: (userId: string, spaceId: string) => callerFor(userId, spaceId, "not-a-jwt"),
      setPaid,
      rawPush: (caller, app, body) => transport.push({ caller, app, clientId: "web-app", body })
    }
  })
)

const setup = Layer.merge(SyncClientHttp, harness).pipe(
  Layer.provide(Layer.mergeAll(upstream, ReadCache.layerTest, Ids.layerTest)),
  Layer.provide(servers)
)

describe("SyncClient contract (HTTP + DevSync)", () => {
  syncContract("http", setup)
})
