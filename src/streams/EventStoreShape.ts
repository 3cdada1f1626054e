/** The EventStore contract and its limits, apart from its layers (both implementations import them). */
import type { Duration, Effect } from "effect"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"

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
