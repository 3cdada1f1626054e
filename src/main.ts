/**
 * The composition root and the only place that launches: reads the configuration (one line and
 * exit 1 when it is invalid), starts the dev stand-ins in local mode, builds every service layer
 * once, serves the gateway on Bun, prints how to connect, and drains gracefully on SIGTERM/SIGINT.
 */
import { FetchHttpClient, HttpMiddleware } from "@effect/platform"
import { BunRuntime } from "@effect/platform-bun"
import { type ConfigError, Console, Effect, Layer, Option } from "effect"
import { Auth } from "./auth/Auth.ts"
import { SpaceDirectory } from "./auth/SpaceDirectory.ts"
import { printBanner } from "./banner.ts"
import { describeConfigError, ManaConfig, manaConfig, type ManaConfigShape } from "./config/Config.ts"
import { Upstreams, type UpstreamsShape } from "./config/Upstreams.ts"
import { startDevStack } from "./dev/DevStack.ts"
import { Ids } from "./domain/Ids.ts"
import { Crypto } from "./keys/Crypto.ts"
import { MasterKeys } from "./keys/MasterKeys.ts"
import { listen } from "./listen.ts"
import { SyncClientWithLiveData } from "./live/liveDataLayer.ts"
import { LiveRelay } from "./live/LiveRelay.ts"
import { UserChanges } from "./live/UserChanges.ts"
import { AuditLog } from "./observability/audit/AuditLog.ts"
import { correlateLogs } from "./observability/logCorrelation.ts"
import { Metrics } from "./observability/Metrics.ts"
import { httpSpanName, installTracing } from "./observability/tracing/Tracing.ts"
import { ConfirmationSigner } from "./policy/ConfirmationSigner.ts"
import { InvocationLog } from "./policy/InvocationLog.ts"
import { Policy } from "./policy/Policy.ts"
import { PolicySettings } from "./policy/PolicySettings.ts"
import { ResourceWatch } from "./resources/ResourceWatch.ts"
import { SessionBus } from "./sessions/SessionBus.ts"
import { SessionStore } from "./sessions/SessionStore.ts"
import { RedisConnection } from "./state/RedisConnection.ts"
import { EventStore } from "./streams/EventStore.ts"
import { WriteFence } from "./sync/WriteFence.ts"
import { allTools } from "./tools/allTools.ts"
import { conformanceFixtureTools } from "./tools/conformanceFixtures.ts"
import { makeRegistry } from "./tools/registry.ts"
import { makeHttpApp } from "./transport/Http.ts"
import { makeMcpEndpoint, McpEndpoint } from "./transport/McpEndpoint.ts"
import { gatewayResourceUrls } from "./transport/resourceUrl.ts"

const resolveUpstreams = (config: ManaConfigShape, gatewayResources: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const mode = config.upstreams
    if (mode._tag === "Remote") {
      const authUrl = mode.authUrl.href.replace(/\/+$/, "")
      const upstreams: UpstreamsShape = {
        authUrl,
        syncUrl: mode.syncUrl.href.replace(/\/+$/, ""),
        issuers: Option.getOrElse(config.jwtIssuers, () => [authUrl])
      }
      return { upstreams, dev: Option.none() }
    }
    const dev = yield* startDevStack({
      host: config.host,
      authPort: mode.authPort,
      syncPort: mode.syncPort,
      dataDir: mode.dataDir,
      syncLatency: mode.syncLatency,
      gatewayResources,
      oauthAccessTtl: mode.oauthAccessTtl
    })
    const upstreams: UpstreamsShape = {
      authUrl: dev.authUrl,
      syncUrl: dev.syncUrl,
      issuers: Option.getOrElse(config.jwtIssuers, () => [dev.authUrl])
    }
    return { upstreams, dev: Option.some(dev) }
  })

/** Sessions, rate-limit window, stream events, the inter-instance bus and the read cache's write fence: here, or shared in Redis. */
const stateLayers = (config: ManaConfigShape) =>
  config.stateStore._tag === "Memory"
    ? Layer.mergeAll(
      SessionStore.layerMemory,
      InvocationLog.layerMemory,
      EventStore.layerMemory,
      SessionBus.layerMemory,
      WriteFence.layerMemory,
      LiveRelay.layerMemory
    )
    : Layer.mergeAll(
      SessionStore.layerRedis,
      InvocationLog.layerRedis,
      EventStore.layerRedis,
      SessionBus.layerRedis,
      WriteFence.layerRedis,
      LiveRelay.layerRedis
    )
      .pipe(Layer.provideMerge(RedisConnection.layer({ url: config.stateStore.url })))

const gateway = (config: ManaConfigShape) =>
  Effect.gen(function*() {
    // Log lines inside a span carry trace_id/span_id; set before anything captures a runtime.
    yield* correlateLogs
    // Bound first: the dev authorization server must know the gateway's resource URL (its port).
    const server = yield* listen({
      server: "the gateway",
      setting: "PORT",
      host: config.host,
      port: config.port,
      idleTimeout: 120
    })
    const port = server.address._tag === "TcpAddress" ? server.address.port : config.port
    const resources = gatewayResourceUrls({ publicUrl: config.publicUrl, host: config.host, port })
    const { dev, upstreams } = yield* resolveUpstreams(config, resources)
    const registry = yield* makeRegistry(
      config.conformanceFixtures ? [...allTools, ...conformanceFixtureTools] : allTools
    )

    const base = yield* Layer.build(Layer.mergeAll(
      Layer.succeed(ManaConfig, config),
      Layer.succeed(Upstreams, upstreams),
      Metrics.layer,
      FetchHttpClient.layer,
      Crypto.layer,
      Ids.layer,
      UserChanges.layer
    ))
    // Before any layer captures a runtime: the tracer is part of what they capture. Its exporter
    // is flushed after the server and the sessions have closed (scope finalizers run in reverse).
    yield* installTracing(config.tracing).pipe(Effect.provide(base))
    const services = Layer.mergeAll(
      Auth.layer,
      SpaceDirectory.layer,
      SyncClientWithLiveData,
      MasterKeys.layer,
      Policy.layer.pipe(Layer.provide(PolicySettings.layer)),
      AuditLog.layer,
      ConfirmationSigner.layer
    )
    const app = makeMcpEndpoint(registry).pipe(
      Layer.provideMerge(ResourceWatch.layer),
      Layer.provideMerge(services),
      Layer.provideMerge(stateLayers(config)),
      Layer.provideMerge(Layer.succeedContext(base))
    )
    const context = yield* Layer.build(app)

    yield* server.serve(makeHttpApp(registry.exposed.size)).pipe(
      Effect.provide(context),
      Effect.provideService(HttpMiddleware.SpanNameGenerator, httpSpanName)
    )
    // Registered after the server, so on shutdown it runs first: stop accepting, finish calls, close sessions.
    const endpoint = yield* Effect.provide(McpEndpoint, context)
    yield* Effect.addFinalizer(() => endpoint.drain)

    yield* printBanner({ config, server, upstreams, dev, toolCount: registry.exposed.size })
    return yield* Effect.never
  })

const exitWith = (line: string) =>
  Console.error(`mana-mcp: ${line}`).pipe(
    Effect.zipRight(Effect.sync(() => process.exit(1))),
    Effect.zipRight(Effect.never)
  )

const main = Effect.gen(function*() {
  const config = yield* manaConfig.pipe(
    Effect.catchAll((error: ConfigError.ConfigError) =>
      exitWith(`invalid configuration: ${describeConfigError(error)}`)
    )
  )
  return yield* Effect.scoped(gateway(config)).pipe(
    // Start-up failures an operator fixes: one line, exit 1.
    Effect.catchTags({
      ListenFailed: (error) => exitWith(error.message),
      DevAuthDataError: (error) => exitWith(error.message),
      SyncJournalError: (error) => exitWith(error.message),
      RedisUnreachable: (error) => exitWith(error.message)
    })
  )
})

BunRuntime.runMain(main)
