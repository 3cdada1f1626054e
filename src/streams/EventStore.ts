/**
 * EventStore: the SSE events of 2025-era sessions, kept so a client whose stream broke can resume
 * with `Last-Event-ID` on any instance (`GET /mcp`). Events are grouped per session and per stream
 * (one per POST, plus the session's standalone GET stream) and bounded in length and age; they end
 * with their session. Two layers with one contract (test/streams/eventStoreContract.ts): memory for
 * one instance, Redis Streams for several (payloads AES-GCM-sealed with STATE_ENCRYPTION_KEY). The
 * SDK-facing adapter that assigns event ids and waits for results is `transport/sdkEventStore.ts`.
 */
import { Context, Effect, Layer, Redacted } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeStateCipher } from "../state/StateCipher.ts"
import { makeEventStoreMemory } from "./eventStoreMemory.ts"
import { makeEventStoreRedis } from "./eventStoreRedis.ts"
import { eventStoreLimits, type EventStoreShape } from "./EventStoreShape.ts"

export {
  type EventStoreLimits,
  eventStoreLimits,
  type EventStoreShape,
  type StoredEvent,
  streamsPerSession
} from "./EventStoreShape.ts"

export class EventStore extends Context.Tag("mana-mcp/EventStore")<EventStore, EventStoreShape>() {
  /** In this process; needs ManaConfig. */
  static readonly layerMemory = Layer.effect(
    EventStore,
    Effect.flatMap(ManaConfig, (config) => makeEventStoreMemory(eventStoreLimits(config)))
  )

  /** Redis Streams, payloads sealed with STATE_ENCRYPTION_KEY; needs ManaConfig and RedisConnection. */
  static readonly layerRedis = Layer.effect(
    EventStore,
    Effect.gen(function*() {
      const config = yield* ManaConfig
      const connection = yield* RedisConnection
      if (config.stateStore._tag !== "Redis") {
        return yield* Effect.dieMessage("EventStore.layerRedis needs STATE_STORE=redis")
      }
      const cipher = makeStateCipher(Redacted.value(config.stateStore.encryptionKey))
      return makeEventStoreRedis(connection, cipher, eventStoreLimits(config))
    })
  )
}
