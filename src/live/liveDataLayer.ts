/**
 * The sync client with live data, as the gateway runs it: one read cache shared by the sync
 * client and the notification connections (`LiveSync`, which the client tells who is active),
 * with Bun's WebSocket. Still needs HttpClient, Upstreams, ManaConfig, Metrics, WriteFence,
 * LiveRelay and UserChanges.
 */
import { Socket } from "@effect/platform"
import { Layer } from "effect"
import { Ids } from "../domain/Ids.ts"
import { ReadCache } from "../sync/ReadCache.ts"
import { SyncClientHttp } from "../sync/SyncClientHttp.ts"
import { LiveSync } from "./LiveSync.ts"

export const SyncClientWithLiveData = SyncClientHttp.pipe(
  Layer.provideMerge(LiveSync.layer),
  Layer.provideMerge(ReadCache.layer),
  Layer.provide(Layer.merge(Ids.layer, Socket.layerWebSocketConstructorGlobal))
)
