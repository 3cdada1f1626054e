/**
 * Wiring for the resource tests: the real invoke pipeline over every tool (policy gate, audit
 * capture, the engine-backed SyncClient, real Crypto, a fixed or zero-knowledge master key), a
 * `RunReadTool` over it, `UserChanges` and a `ResourceWatch` with a small bound. Each provide
 * builds a fresh engine and watch.
 */
import { ConfigProvider, Effect, Layer, Queue } from "effect"
import { ManaConfig } from "../../src/config/Config.ts"
import type { CallerShape } from "../../src/domain/Caller.ts"
import { UserChanges } from "../../src/live/UserChanges.ts"
import { Metrics } from "../../src/observability/Metrics.ts"
import { ConfirmationSigner } from "../../src/policy/ConfirmationSigner.ts"
import { Policy } from "../../src/policy/Policy.ts"
import type { RunReadTool } from "../../src/resources/readResource.ts"
import { ResourceWatch, type WatchSink } from "../../src/resources/ResourceWatch.ts"
import { allTools } from "../../src/tools/allTools.ts"
import { makeInvoke } from "../../src/tools/kit/invoke.ts"
import { makeRegistry } from "../../src/tools/kit/registry.ts"
import { auditCaptureLayer } from "../support/auditCapture.ts"
import { toolLayer } from "../support/cryptoTools.ts"
import { fixedMasterKeys } from "../support/cryptoVault.ts"
import { spaceDirectoryOfTestUsers } from "../support/spaceDirectory.ts"

export interface HarnessOptions {
  readonly masterKeys?: typeof fixedMasterKeys
  readonly env?: Record<string, string>
  readonly maxPerUser?: number
}

export const resourceLayer = (options: HarnessOptions = {}) =>
  Layer.mergeAll(
    Policy.layerMemory,
    auditCaptureLayer,
    ConfirmationSigner.layer,
    ResourceWatch.layerWith({ maxPerUser: options.maxPerUser ?? 3 })
  ).pipe(
    Layer.provideMerge(
      Layer.mergeAll(UserChanges.layer, toolLayer(options.masterKeys ?? fixedMasterKeys), spaceDirectoryOfTestUsers)
    ),
    Layer.provideMerge(Layer.mergeAll(ManaConfig.layer, Metrics.layer)),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(options.env ?? {})))))
  )

type Services = Layer.Layer.Success<ReturnType<typeof resourceLayer>>

/** Runs read tools (and, for seeding, any tool) as the invoke pipeline does for a tools/call. */
export const runner = Effect.gen(function*() {
  const invoke = makeInvoke(yield* Effect.orDie(makeRegistry(allTools)))
  const context = yield* Effect.context<Services>()
  const run: RunReadTool = (name, args, caller) => Effect.provide(invoke(name, args, caller), context)
  return run
})

/** Calls a tool that must succeed and returns its structured output. */
export const callTool = (run: RunReadTool, name: string, args: Record<string, unknown>, caller: CallerShape) =>
  Effect.flatMap(
    run(name, args, caller),
    (outcome) =>
      outcome._tag === "Result" && outcome.result.isError !== true && outcome.result.structuredContent !== undefined
        ? Effect.succeed(outcome.result.structuredContent)
        : Effect.dieMessage(`${name} failed: ${JSON.stringify(outcome)}`)
  )

/** The id of the record a create tool returned under `key`. */
export const idOf = (output: Readonly<Record<string, unknown>>, key: string): string => {
  const record = output[key]
  return typeof record === "object" && record !== null && "id" in record && typeof record.id === "string"
    ? record.id
    : ""
}

export type Notice = { readonly _tag: "updated"; readonly uri: string } | { readonly _tag: "listChanged" } | {
  readonly _tag: "ended"
}

/** A sink that queues what it is told, so a test can take notifications in order. */
export const queueSink = Effect.map(Queue.unbounded<Notice>(), (queue) => {
  const sink: WatchSink = {
    updated: (uri) => void Queue.unsafeOffer(queue, { _tag: "updated", uri }),
    listChanged: () => void Queue.unsafeOffer(queue, { _tag: "listChanged" }),
    ended: () => void Queue.unsafeOffer(queue, { _tag: "ended" })
  }
  return { queue, sink }
})
