/**
 * `pipeline`: the CPU one warm `habits.list` (100 habits) costs inside the tool-call pipeline,
 * without HTTP or the MCP SDK: `ToolCalls.run` → `invoke` (decode, policy gate, handler with the
 * read cache fresh, output text memo, metrics, audit line, tool span). In-process, one call at a
 * time and 16 at once, against the floor of the same handler run bare (decode + handler). Variants
 * isolate the gate (POLICY_MODE off / log-only / enforce), the audit line (off / file) and child
 * spans (tracing configured or not); one runs the whole in-process `/mcp` request
 * (`McpEndpoint.handle`: auth, space check, SDK, pipeline, answer) to show the pipeline's share.
 * `bun bench/pipeline.ts` runs it alone (`PIPELINE_CALLS`, `PIPELINE_ROUNDS`); under
 * `bun --cpu-prof` it is the profile of the pipeline alone.
 */
import { Duration, Effect, Exit, Layer, Scope } from "effect"
import * as Managed from "effect/ManagedRuntime"
import { appLayer, memoryState, platformLayer } from "../src/App.ts"
import { ManaConfig, type ManaConfigShape } from "../src/config/Config.ts"
import { SyncEngine } from "../src/dev/sync/SyncEngine.ts"
import { Caller, type CallerShape } from "../src/domain/Caller.ts"
import { Ids } from "../src/domain/Ids.ts"
import { childSpansEnabled } from "../src/observability/tracing/childSpan.ts"
import { ReadCache } from "../src/sync/ReadCache.ts"
import { WriteFence } from "../src/sync/WriteFence.ts"
import { allTools, type ToolRequirements } from "../src/tools/allTools.ts"
import { type InvokeOutcome, makeInvoke } from "../src/tools/kit/invoke.ts"
import { makeRegistry, type Registry } from "../src/tools/kit/registry.ts"
import { McpEndpoint } from "../src/transport/McpEndpoint.ts"
import { makeToolCalls } from "../src/transport/ToolCalls.ts"
import { fixedMasterKeys } from "../test/support/cryptoVault.ts"
import { modernRequest } from "../test/support/inProcessGateway.ts"
import { startJwksServer } from "../test/support/jwksServer.ts"
import { spaceDirectoryOfTestUsers } from "../test/support/spaceDirectory.ts"
import { SyncClientEngine } from "../test/support/SyncClientEngine.ts"
import { alice, callerFor, memberships, spaceA } from "../test/support/users.ts"
import type { Benchmark, BenchOutcome } from "./harness.ts"
import { habitInserts } from "./upstream.ts"

const HABITS = 100
const CALLS = Number(process.env["PIPELINE_CALLS"] ?? 4000)
const ROUNDS = Number(process.env["PIPELINE_ROUNDS"] ?? 5)
const PARALLEL = 16

interface Variant {
  readonly label: string
  readonly config: Partial<ManaConfigShape>
  /** Run decode + handler only, as the floor. */
  readonly bare?: boolean
  /** Child spans on, as with OTLP tracing configured (default: off, as without). */
  readonly childSpans?: boolean
  /** The whole in-process `/mcp` request (`McpEndpoint.handle`: auth, space, SDK, pipeline), 2026-07-28. */
  readonly endpoint?: boolean
}

const auditFile = { _tag: "File", path: "/tmp/mana-mcp-pipeline-bench-audit.log", maxBytes: 50e6, maxFiles: 1 } as const
const allVariants: ReadonlyArray<Variant> = [
  { label: "floor: decode + handler only", config: {}, bare: true },
  { label: "pipeline, policy off, audit off", config: { policyMode: "off", auditLog: { _tag: "Off" } } },
  {
    label: "pipeline, policy off, audit file (bench's peer gateway)",
    config: { policyMode: "off", auditLog: auditFile }
  },
  { label: "pipeline, policy log-only, audit file (default)", config: { policyMode: "log-only", auditLog: auditFile } },
  { label: "pipeline, policy enforce, audit file", config: { policyMode: "enforce", auditLog: auditFile } },
  {
    label: "whole /mcp request in-process (McpEndpoint.handle, 2026-07-28), policy off, audit file",
    config: { policyMode: "off", auditLog: auditFile },
    endpoint: true
  },
  {
    label: "pipeline, policy log-only, audit file, child spans on (tracing configured)",
    config: { policyMode: "log-only", auditLog: auditFile },
    childSpans: true
  }
]

/** `PIPELINE_ONLY=<substring>`: only the variants whose label contains it (e.g. for a profile). */
const only = process.env["PIPELINE_ONLY"]
const variants = only === undefined ? allVariants : allVariants.filter((variant) => variant.label.includes(only))

const caller: CallerShape = { ...callerFor(alice, spaceA), era: "modern", clientName: "bench" }

/** The app (`appLayer`) over the in-memory sync engine, with the ManaConfig of the variant. */
const appFor = (variant: Variant, issuerUrl: string, registry: Registry<ToolRequirements>) => {
  const platform = platformLayer(
    ManaConfig.layerWith({
      policyRateLimit: 1_000_000_000,
      // The gate counts at most 512 calls per window: a 1 ms window keeps a hot loop under it.
      policyRateWindow: Duration.millis(1),
      readFreshness: Duration.hours(1),
      ...variant.config
    }),
    { authUrl: issuerUrl, syncUrl: "http://sync.invalid", issuers: [issuerUrl] }
  )
  const sync = SyncClientEngine.layer().pipe(
    Layer.provideMerge(SyncEngine.layer({ memberships })),
    Layer.provideMerge(Ids.layer),
    Layer.provide(ReadCache.layer.pipe(Layer.provide(WriteFence.layerMemory)))
  )
  const edges = Layer.mergeAll(sync, spaceDirectoryOfTestUsers, fixedMasterKeys)
  return appLayer(registry, { edges, state: memoryState() }).pipe(
    Layer.provideMerge(platform),
    Layer.orDie,
    // As `installTracing` does without an OTLP endpoint.
    Layer.merge(Layer.locallyScoped(childSpansEnabled, variant.childSpans === true))
  )
}

type Services = Layer.Layer.Success<ReturnType<typeof appFor>>

const cpuMicros = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

/** µs of CPU per call: `calls` calls, `parallel` at a time. */
const measure = async (call: () => Promise<unknown>, calls: number, parallel: number): Promise<number> => {
  let next = 0
  const worker = async () => {
    while (next < calls) {
      next++
      await call()
    }
  }
  const before = cpuMicros()
  await Promise.all(Array.from({ length: parallel }, worker))
  return (cpuMicros() - before) / calls
}

const checkAnswer = (outcome: InvokeOutcome) => {
  if (outcome._tag !== "Result" || outcome.result.isError === true) {
    throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`)
  }
  const habits = outcome.result.structuredContent?.["habits"]
  if (!Array.isArray(habits) || habits.length !== HABITS) throw new Error(`expected ${HABITS} habits`)
}

const prepare = async (variant: Variant) => {
  // A JWKS server for the whole-request variant (its tokens are verified like mana-auth's).
  const scope = Effect.runSync(Scope.make())
  const issuer = await Effect.runPromise(Scope.extend(startJwksServer, scope))
  const registry = await Effect.runPromise(Effect.orDie(makeRegistry(allTools)))
  const runtime = Managed.make(appFor(variant, issuer.url, registry))
  await runtime.runPromise(
    Effect.flatMap(SyncEngine, (engine) =>
      engine.push({
        userId: alice,
        appId: "habits",
        clientIdHeader: "bench-seed",
        body: {
          clientId: "bench-seed",
          since: new Date(0).toISOString(),
          changes: habitInserts({ userId: alice, spaceId: spaceA }, HABITS)
        }
      })).pipe(Effect.orDie)
  )
  const tool = registry.exposed.get("habits.list")
  if (tool === undefined) throw new Error("no habits.list")
  const invoke = makeInvoke(registry)
  // The set lives as long as the runtime, as in the gateway (where it lives in the endpoint's scope).
  const calls = await runtime.runPromise(Scope.extend(makeToolCalls<InvokeOutcome, Services>(), scope))
  const bare = Effect.flatMap(tool.decode({}), (decoded) => Effect.provideService(decoded.run, Caller, caller)).pipe(
    Effect.orDie
  )
  const endpoint = await runtime.runPromise(McpEndpoint)
  const token = await Effect.runPromise(issuer.tokenFor(alice))
  const viaEndpoint = async () => {
    const request = modernRequest("tools/call", {
      token,
      space: spaceA,
      headers: { "mcp-name": "habits.list" },
      params: { name: "habits.list", arguments: {} }
    })
    const response = await Effect.runPromise(endpoint.handle(request))
    const text = await response.text()
    if (response.status !== 200 || !text.includes(`Habit ${HABITS - 1}`)) {
      throw new Error(`unexpected answer ${response.status} ${text.slice(0, 300)}`)
    }
  }
  const call = variant.endpoint === true
    ? viaEndpoint
    : variant.bare === true
    ? () => runtime.runPromise(bare)
    : () => calls.run(invoke("habits.list", {}, caller)).then(checkAnswer)
  // Warm: the first read pulls and folds, later ones reuse the state.
  for (let i = 0; i < 200; i++) await call()
  return {
    call,
    dispose: async () => {
      await runtime.dispose()
      await Effect.runPromise(Scope.close(scope, Exit.void))
    }
  }
}

export const runPipeline = async (): Promise<BenchOutcome> => {
  const prepared = []
  for (const variant of variants) prepared.push({ variant, ...(await prepare(variant)) })
  const serial = new Map<string, Array<number>>()
  const parallel = new Map<string, Array<number>>()
  for (let round = 0; round < ROUNDS; round++) {
    for (const { call, variant } of prepared) {
      const s = serial.get(variant.label) ?? []
      s.push(await measure(call, CALLS, 1))
      serial.set(variant.label, s)
      const p = parallel.get(variant.label) ?? []
      p.push(await measure(call, CALLS, PARALLEL))
      parallel.set(variant.label, p)
    }
  }
  for (const { dispose } of prepared) await dispose()
  const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN
  const rows = variants.map((variant) => ({
    label: variant.label,
    serial: median(serial.get(variant.label) ?? []),
    parallel: median(parallel.get(variant.label) ?? [])
  }))
  const floor = rows[0]
  return {
    params: { habits: HABITS, calls: CALLS, rounds: ROUNDS, parallel: PARALLEL },
    latencies: [],
    throughputs: [],
    ratios: rows.slice(1).map((row) => ({
      label: `${row.label} ÷ floor, one at a time`,
      value: row.serial / (floor?.serial ?? NaN),
      meaning: "CPU per call; lower is better"
    })),
    notes: [
      ...rows.map((row) =>
        `${row.label}: ${row.serial.toFixed(1)} µs CPU per call one at a time, ${
          row.parallel.toFixed(1)
        } µs ${PARALLEL} at once`
      ),
      `${CALLS} calls per variant and round, ${ROUNDS} rounds, medians; in-process (the pipeline rows without HTTP or the MCP SDK)`
    ]
  }
}

export const pipeline: Benchmark = {
  id: "pipeline",
  title: "Tool-call pipeline CPU per warm habits.list (in-process, no HTTP)",
  run: runPipeline
}

if (import.meta.main) {
  const outcome = await runPipeline()
  for (const note of outcome.notes) console.log(note)
}
