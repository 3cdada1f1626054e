/**
 * EventStore: the SSE events of 2025-era sessions, kept so a client whose stream broke can resume
 * with `Last-Event-ID` on any instance (`GET /mcp`). Events are grouped per session and per stream
 * (one per POST, plus the session's standalone GET stream) and bounded in length and age; they end
 * with their session. Two layers with one contract (test/streams/eventStoreContract.ts): memory for
 * one instance, Redis Streams for several (payloads AES-GCM-sealed with STATE_ENCRYPTION_KEY). The
 * SDK-facing adapter that assigns event ids and waits for results is `transport/sdkEventStore.ts`.
 */
import { Context, type Duration, Effect, Layer, Redacted } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { RedisConnection } from "../state/RedisConnection.ts"
import { makeStateCipher } from "../state/StateCipher.ts"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"
import { makeEventStoreMemory } from "./eventStoreMemory.ts"
import { makeEventStoreRedis } from "./eventStoreRedis.ts"

export interface StoredEvent {
  /** Unique within its stream; the SSE event id is `<streamId>/<seq>`. */
  readonly seq: string
  /** The JSON-RPC message, serialized. */
  readonly message: string
}

export interface EventStoreShape {
  /** Appends an event to a session's stream. */
  readonly append: (
    sessionId: string,
    streamId: string,
    event: StoredEvent
  ) => Effect.Effect<void, StateStoreUnavailable>
  /**
   * The stream's events after the one with `afterSeq`, in append order: all of them when `afterSeq`
   * is `undefined` or no longer stored (trimmed), none when the stream is unknown.
   */
  readonly after: (
    sessionId: string,
    streamId: string,
    afterSeq: string | undefined
  ) => Effect.Effect<ReadonlyArray<StoredEvent>, StateStoreUnavailable>
  /** Forgets every stream of a session (it was closed). */
  readonly removeSession: (sessionId: string) => Effect.Effect<void, StateStoreUnavailable>
}

export interface EventStoreLimits {
  /** Events kept per stream (oldest dropped first). */
  readonly eventsPerStream: number
  /** Streams kept per session (least recently appended dropped first; memory layer). */
  readonly streamsPerSession: number
  /** Sessions with events kept (least recently appended dropped first; memory layer). */
  readonly sessions: number
  /** Age after the last append at which a stream is dropped. */
  readonly ttl: Duration.Duration
  /**
   * Bytes of stored messages kept in all (memory layer): least recently appended sessions go
   * first. Without it the counts alone allowed 10 000 × 64 × 256 results, and the soak's churned
   * sessions (closed without DELETE) kept theirs for the 30-minute idle timeout.
   */
  readonly maxBytes: number
}

/** Streams kept per session (also how many local stream ids the SDK adapter remembers per session). */
export const streamsPerSession = 64

export const eventStoreLimits = (config: { readonly sessionIdleTimeout: Duration.Duration }): EventStoreLimits => ({
  eventsPerStream: 256,
  streamsPerSession,
  sessions: 10_000,
  ttl: config.sessionIdleTimeout,
  maxBytes: 32 * 1024 * 1024
})

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
