/**
 * `pipeline`: the CPU one warm `habits.list` (100 habits) costs inside the tool-call pipeline,
 * without HTTP or the MCP SDK: `ToolCalls.run` → `invoke` (decode, policy gate, handler with the
 * read cache fresh, output text memo, metrics, audit line, tool span). In-process, one call at a
 * time and 16 at once, against the floor of the same handler run bare (decode + handler). Variants
 * isolate the gate (POLICY_MODE off / log-only / enforce) and the audit line (off / file).
 * `bun bench/pipeline.ts` runs it alone (`PIPELINE_CALLS`, `PIPELINE_ROUNDS`); under
 * `bun --cpu-prof` it is the profile of the pipeline alone.
 */
import { Duration, Effect, Layer, type ManagedRuntime, Scope } from "effect"
import * as Managed from "effect/ManagedRuntime"
import { ManaConfig, type ManaConfigShape } from "../src/config/Config.ts"
import { SyncEngine } from "../src/dev/sync/SyncEngine.ts"
import { Caller, type CallerShape } from "../src/domain/Caller.ts"
import { Ids } from "../src/domain/Ids.ts"
import { Crypto } from "../src/keys/Crypto.ts"
import { AuditLog } from "../src/observability/audit/AuditLog.ts"
import { Metrics } from "../src/observability/Metrics.ts"
import { childSpansEnabled } from "../src/observability/tracing/childSpan.ts"
import { ConfirmationSigner } from "../src/policy/ConfirmationSigner.ts"
import { Policy } from "../src/policy/Policy.ts"
import { ReadCache } from "../src/sync/ReadCache.ts"
import { WriteFence } from "../src/sync/WriteFence.ts"
import { allTools } from "../src/tools/allTools.ts"
import { type InvokeOutcome, makeInvoke } from "../src/tools/invoke.ts"
import { makeRegistry } from "../src/tools/registry.ts"
import { makeToolCalls } from "../src/transport/ToolCalls.ts"
import { fixedMasterKeys } from "../test/support/cryptoVault.ts"
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
    label: "pipeline, policy log-only, audit file, child spans on (tracing configured)",
    config: { policyMode: "log-only", auditLog: auditFile },
    childSpans: true
  }
]

/** `PIPELINE_ONLY=<substring>`: only the variants whose label contains it (e.g. for a profile). */
const only = process.env["PIPELINE_ONLY"]
const variants = only === undefined ? allVariants : allVariants.filter((variant) => variant.label.includes(only))

const caller: CallerShape = { ...callerFor(alice, spaceA), era: "modern", clientName: "bench" }

type Services = Layer.Layer.Success<ReturnType<typeof servicesFor>>

const servicesFor = (variant: Variant) => {
  const base = Layer.mergeAll(
    ManaConfig.layerWith({
      policyRateLimit: 1_000_000_000,
      // The gate counts at most 512 calls per window: a 1 ms window keeps a hot loop under it.
      policyRateWindow: Duration.millis(1),
      readFreshness: Duration.hours(1),
      ...variant.config
    }),
    Metrics.layer
  )
  const sync = SyncClientEngine.layer().pipe(
    Layer.provideMerge(SyncEngine.layer({ memberships })),
    Layer.provideMerge(Ids.layer),
    Layer.provide(ReadCache.layer.pipe(Layer.provide(WriteFence.layerMemory)))
  )
  return Layer.mergeAll(
    Policy.layerMemory,
    AuditLog.layer,
    ConfirmationSigner.layer,
    sync,
    spaceDirectoryOfTestUsers,
    fixedMasterKeys
  ).pipe(
    Layer.provideMerge(Layer.merge(base, Crypto.layer)),
    Layer.orDie,
    // As `installTracing` does without an OTLP endpoint.
    Layer.merge(Layer.locallyScoped(childSpansEnabled, variant.childSpans === true))
  )
}

const runtimeFor = (variant: Variant): ManagedRuntime.ManagedRuntime<Services, never> =>
  Managed.make(servicesFor(variant))

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

const prepare = async (variant: Variant) => {
  const runtime = runtimeFor(variant)
  const registry = await runtime.runPromise(Effect.orDie(makeRegistry(allTools)))
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
  const scope = Scope.make().pipe(Effect.runSync)
  const calls = await runtime.runPromise(Scope.extend(makeToolCalls<InvokeOutcome, Services>(), scope))
  const check = (outcome: InvokeOutcome) => {
    if (outcome._tag !== "Result" || outcome.result.isError === true) {
      throw new Error(`unexpected outcome ${JSON.stringify(outcome)}`)
    }
    const habits = outcome.result.structuredContent?.["habits"]
    if (!Array.isArray(habits) || habits.length !== HABITS) throw new Error("expected 100 habits")
  }
  const bare = Effect.flatMap(tool.decode({}), (decoded) => Effect.provideService(decoded.run, Caller, caller)).pipe(
    Effect.orDie
  )
  const call = variant.bare === true
    ? () => runtime.runPromise(bare)
    : () => calls.run(invoke("habits.list", {}, caller)).then(check)
  // Warm: the first read pulls and folds, later ones reuse the state.
  for (let i = 0; i < 200; i++) await call()
  return { call, dispose: () => runtime.dispose() }
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
      `${CALLS} calls per variant and round, ${ROUNDS} rounds, medians; in-process: no HTTP, no MCP SDK`
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
