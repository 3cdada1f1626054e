/**
 * The composition root and the only place that launches: reads the configuration (one line and
 * exit 1 when it is invalid), starts the dev stand-ins in local mode, builds every service layer
 * once, serves the gateway on Bun, prints how to connect, and drains gracefully on SIGTERM/SIGINT.
 */
import { BunRuntime } from "@effect/platform-bun"
import { type ConfigError, Console, Effect, Layer, Option } from "effect"
import { appLayer, platformLayer, productionEdges, stateLayers } from "./App.ts"
import { printBanner } from "./banner.ts"
import { describeConfigError, ManaConfig, manaConfig, type ManaConfigShape } from "./config/Config.ts"
import type { UpstreamsShape } from "./config/Upstreams.ts"
import { conformanceFixtureTools } from "./conformance/conformanceFixtures.ts"
import { serverRequestFixtures } from "./conformance/serverRequestFixture.ts"
import { startDevStack } from "./dev/DevStack.ts"
import { correlateLogs } from "./observability/logCorrelation.ts"
import { installTracing } from "./observability/tracing/Tracing.ts"
import { checkProcesses, sharedSecrets } from "./processes/checkProcesses.ts"
import { configForProcess, metricLabels } from "./processes/perProcess.ts"
import { processIndex, type ProcessRole, processRole } from "./processes/processRole.ts"
import { reportReady, startWorkers } from "./processes/workers.ts"
import { allTools } from "./tools/allTools.ts"
import { makeRegistry } from "./tools/kit/registry.ts"
import { bindGateway } from "./transport/GatewayServer.ts"
import { makeHttpApp } from "./transport/Http.ts"
import { gatewayResourceUrls } from "./transport/http/resourceUrl.ts"
import { McpEndpoint } from "./transport/McpEndpoint.ts"
import { invocationOf, usage } from "./usage.ts"

const resolveUpstreams = (config: ManaConfigShape, gatewayResources: ReadonlyArray<string>, role: ProcessRole) =>
  Effect.gen(function*() {
    const mode = config.upstreams
    const primaryDev = role._tag === "Worker" ? Option.fromNullable(role.role.dev) : Option.none()
    if (Option.isSome(primaryDev)) {
      // Local mode in a worker: the primary runs the dev stand-ins; this process uses them.
      const { authUrl, syncUrl } = primaryDev.value
      return {
        upstreams: { authUrl, syncUrl, issuers: Option.getOrElse(config.jwtIssuers, () => [authUrl]) },
        dev: Option.none()
      }
    }
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

const gateway = (config: ManaConfigShape, role: ProcessRole) =>
  Effect.gen(function*() {
    const index = processIndex(role)
    // Log lines inside a span carry trace_id/span_id; set before anything captures a runtime.
    yield* correlateLogs
    // Bound first: the dev authorization server must know the gateway's resource URL (its port).
    const server = yield* bindGateway({
      host: config.host,
      port: config.port,
      idleTimeout: 120,
      reusePort: config.gatewayProcesses > 1
    })
    const port = server.port
    // From here on PORT is the bound port (PORT=0 picked one): the resource URL is fixed by it.
    const bound: ManaConfigShape = { ...config, port }
    const resources = gatewayResourceUrls(bound)
    const { dev, upstreams } = yield* resolveUpstreams(config, resources, role)
    const registry = yield* makeRegistry(
      config.conformanceFixtures ? [...allTools, ...conformanceFixtureTools] : allTools
    )

    const base = yield* Layer.build(
      platformLayer(Layer.succeed(ManaConfig, bound), upstreams, metricLabels(config, index))
    )
    // Before any layer captures a runtime: the tracer is part of what they capture. Its exporter
    // is flushed after the server and the sessions have closed (scope finalizers run in reverse).
    yield* installTracing(config.tracing).pipe(Effect.provide(base))
    const app = appLayer(registry, {
      edges: productionEdges,
      state: stateLayers(config.stateStore),
      contextTools: config.conformanceFixtures ? serverRequestFixtures : []
    }).pipe(Layer.provideMerge(Layer.succeedContext(base)))
    const context = yield* Layer.build(app)

    const endpoint = yield* Effect.provide(McpEndpoint, context)
    yield* server.serve({
      mcp: endpoint.handle,
      app: makeHttpApp(registry.exposed.size),
      traced: config.tracing._tag !== "Off"
    }).pipe(Effect.provide(context))
    // Registered after the server, so on shutdown it runs first: stop accepting, finish calls, close sessions.
    yield* Effect.addFinalizer(() => endpoint.drain)

    if (role._tag === "Worker") {
      yield* reportReady
      return yield* Effect.never
    }
    // Registered after the primary's own server: on shutdown the workers drain first.
    const workerExited = config.gatewayProcesses > 1
      ? yield* startWorkers({
        count: config.gatewayProcesses,
        port,
        dev: Option.map(dev, ({ authUrl, syncUrl }) => ({ authUrl, syncUrl })),
        env: sharedSecrets(config)
      })
      : Effect.never
    yield* printBanner({ config: bound, upstreams, dev, toolCount: registry.exposed.size })
    return yield* workerExited
  })

const exitWith = (line: string) =>
  Console.error(`mana-mcp: ${line}`).pipe(
    Effect.zipRight(Effect.sync(() => process.exit(1))),
    Effect.zipRight(Effect.never)
  )

const main = Effect.gen(function*() {
  // Arguments first: `--help` must print usage without reading configuration or binding a port.
  const invocation = invocationOf(process.argv.slice(2))
  if (invocation._tag === "Help") {
    yield* Console.log(usage)
    return yield* Effect.sync(() => process.exit(0))
  }
  if (invocation._tag === "Unknown") {
    yield* Console.error(
      `mana-mcp: unknown argument ${
        JSON.stringify(invocation.argument.slice(0, 80))
      }; the gateway is configured by environment variables (npm start -- --help)`
    )
    return yield* Effect.sync(() => process.exit(2))
  }
  const config = yield* manaConfig.pipe(
    Effect.catchAll((error: ConfigError.ConfigError) =>
      exitWith(`invalid configuration: ${describeConfigError(error)}`)
    )
  )
  const role = yield* processRole
  const run = Effect.flatMap(
    checkProcesses(config, role),
    (checked) => Effect.scoped(gateway(configForProcess(checked, processIndex(role)), role))
  )
  return yield* run.pipe(
    // Start-up failures an operator fixes: one line, exit 1.
    Effect.catchTags({
      ListenFailed: (error) => exitWith(error.message),
      DevAuthDataError: (error) => exitWith(error.message),
      SyncJournalError: (error) => exitWith(error.message),
      RedisUnreachable: (error) => exitWith(error.message),
      ProcessesNeedRedis: (error) => exitWith(error.message),
      ProcessesNeedLinux: (error) => exitWith(error.message),
      WorkerExited: (error) => exitWith(error.message)
    })
  )
})

BunRuntime.runMain(main)
