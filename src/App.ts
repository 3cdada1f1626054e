/**
 * The app's layers, written once: what every service stands on (`platformLayer`), the shared state
 * (`stateLayers`: memory or Redis), and the services plus the `/mcp` endpoint above them
 * (`appLayer`). `src/main.ts`, the in-process test gateway (test/support/inProcessGateway.ts) and
 * the pipeline bench all build on these and differ only in their *edges*: where spaces, sync data,
 * vault keys and ids come from (`productionEdges` here; in-memory doubles in test/support/).
 */
import { FetchHttpClient } from "@effect/platform"
import { Layer } from "effect"
import { Auth } from "./auth/Auth.ts"
import { SpaceDirectory } from "./auth/SpaceDirectory.ts"
import type { ManaConfig, ManaConfigShape } from "./config/Config.ts"
import { Upstreams, type UpstreamsShape } from "./config/Upstreams.ts"
import { Ids } from "./domain/Ids.ts"
import { Memos } from "./domain/Memos.ts"
import { IdempotencyStore } from "./idempotency/IdempotencyStore.ts"
import { Crypto } from "./keys/Crypto.ts"
import { MasterKeys } from "./keys/MasterKeys.ts"
import { SyncClientWithLiveData } from "./live/liveDataLayer.ts"
import { LiveRelay } from "./live/LiveRelay.ts"
import { UserChanges } from "./live/UserChanges.ts"
import { AuditLog } from "./observability/audit/AuditLog.ts"
import { Metrics } from "./observability/Metrics.ts"
import { ConfirmationSigner } from "./policy/ConfirmationSigner.ts"
import { InvocationLog } from "./policy/InvocationLog.ts"
import { ItemBudget } from "./policy/ItemBudget.ts"
import { Policy } from "./policy/Policy.ts"
import { PolicySettings } from "./policy/PolicySettings.ts"
import { ResourceWatch } from "./resources/ResourceWatch.ts"
import { SessionBus } from "./sessions/SessionBus.ts"
import { SessionStore } from "./sessions/SessionStore.ts"
import { RedisConnection } from "./state/RedisConnection.ts"
import { EventStore } from "./streams/EventStore.ts"
import { WriteFence } from "./sync/WriteFence.ts"
import type { Registry } from "./tools/kit/registry.ts"
import { makeMcpEndpoint } from "./transport/McpEndpoint.ts"
import type { ContextTool } from "./transport/mcpServer.ts"

/**
 * The config and upstream URLs the launcher resolved, plus metrics (labelled per process), the HTTP
 * client, Web Crypto and the in-process signal of users' data changes (`UserChanges`: one per process).
 */
export const platformLayer = <E, R>(
  config: Layer.Layer<ManaConfig, E, R>,
  upstreams: UpstreamsShape,
  metricLabels: Readonly<Record<string, string>> = {}
) =>
  Layer.mergeAll(
    config,
    Layer.succeed(Upstreams, upstreams),
    Metrics.layerLabelled(metricLabels),
    FetchHttpClient.layer,
    Crypto.layer,
    UserChanges.layer
  )

/**
 * The production edges — `SpaceDirectory`, `SyncClient`, `MasterKeys`, `Ids`: what the tools reach
 * outside the process through, and where ids come from — mana-auth's organization list, mana-sync
 * over HTTP with its change notifications (src/live/), the vault, random UUIDs.
 */
export const productionEdges = Layer.mergeAll(SpaceDirectory.layer, SyncClientWithLiveData, MasterKeys.layer, Ids.layer)

/**
 * Sessions, rate-limit window, stream events, the inter-instance bus, the read cache's write fence,
 * the live-data relay and the confirmation signer with its ledger of used states, in this process.
 */
export const memoryState = (sessionStore: Layer.Layer<SessionStore, never, ManaConfig> = SessionStore.layerMemory) =>
  Layer.mergeAll(
    sessionStore,
    InvocationLog.layerMemory,
    EventStore.layerMemory,
    SessionBus.layerMemory,
    WriteFence.layerMemory,
    IdempotencyStore.layerMemory,
    ItemBudget.layerMemory,
    ConfirmationSigner.layer,
    LiveRelay.layerMemory
  )

/** The same state shared by every instance in one Redis (`STATE_STORE=redis`). */
export const stateLayers = (stateStore: ManaConfigShape["stateStore"]) =>
  stateStore._tag === "Memory"
    ? memoryState()
    : Layer.mergeAll(
      SessionStore.layerRedis,
      InvocationLog.layerRedis,
      EventStore.layerRedis,
      SessionBus.layerRedis,
      WriteFence.layerRedis,
      IdempotencyStore.layerRedis,
      ItemBudget.layerRedis,
      ConfirmationSigner.layerRedis,
      LiveRelay.layerRedis
    ).pipe(Layer.provideMerge(RedisConnection.layer({ url: stateStore.url })))

export interface AppOptions<EdgesOut, EdgesE, EdgesIn, StateOut, StateE, StateIn> {
  /** `SpaceDirectory`, `SyncClient`, `MasterKeys` and `Ids` (and whatever else a double exposes). */
  readonly edges: Layer.Layer<EdgesOut, EdgesE, EdgesIn>
  readonly state: Layer.Layer<StateOut, StateE, StateIn>
  /** Tools the SDK server answers itself (only the conformance fixtures, from src/main.ts). */
  readonly contextTools?: ReadonlyArray<ContextTool>
}

/**
 * The `/mcp` endpoint over every service: auth, the policy gate, the audit log, the caches
 * (`Memos`), the resource subscriptions, the edges and the state (confirmation signing included:
 * its used states are state). Needs the platform (`platformLayer`).
 */
export const appLayer = <R, EdgesOut, EdgesE, EdgesIn, StateOut, StateE, StateIn>(
  registry: Registry<R>,
  options: AppOptions<EdgesOut, EdgesE, EdgesIn, StateOut, StateE, StateIn>
) =>
  makeMcpEndpoint(registry, options.contextTools).pipe(
    Layer.provideMerge(ResourceWatch.layer),
    Layer.provideMerge(Layer.mergeAll(
      Auth.layer,
      options.edges,
      Policy.layer.pipe(Layer.provide(PolicySettings.layer)),
      AuditLog.layer,
      Memos.layer
    )),
    Layer.provideMerge(options.state)
  )
