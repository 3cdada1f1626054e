/**
 * The in-memory EventStore (`STATE_STORE=memory`): per session, per stream, an array of events
 * bounded by the limits; Map insertion order is recency, so the least recently appended stream
 * and session go first. Age is checked with the Effect Clock when a stream is read or appended.
 */
import { Clock, Duration, Effect } from "effect"
import type { EventStoreLimits, EventStoreShape, StoredEvent } from "./EventStoreShape.ts"

interface Stream {
  events: Array<StoredEvent>
  lastAppendAt: number
}

export const makeEventStoreMemory = (limits: EventStoreLimits) =>
  Effect.sync((): EventStoreShape => {
    const sessions = new Map<string, Map<string, Stream>>()
    const ttlMillis = Duration.toMillis(limits.ttl)

    const trimOldest = <V>(map: Map<string, V>, max: number) => {
      while (map.size > max) {
        const first = map.keys().next()
        if (first.done === true) return
        map.delete(first.value)
      }
    }

    const append = (sessionId: string, streamId: string, event: StoredEvent) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          const streams = sessions.get(sessionId) ?? new Map<string, Stream>()
          sessions.delete(sessionId)
          sessions.set(sessionId, streams)
          const existing = streams.get(streamId)
          const stream = existing !== undefined && now - existing.lastAppendAt <= ttlMillis
            ? existing
            : { events: [], lastAppendAt: now }
          streams.delete(streamId)
          streams.set(streamId, stream)
          stream.events.push(event)
          stream.lastAppendAt = now
          if (stream.events.length > limits.eventsPerStream) {
            stream.events.splice(0, stream.events.length - limits.eventsPerStream)
          }
          trimOldest(streams, limits.streamsPerSession)
          trimOldest(sessions, limits.sessions)
        }))

    const after = (sessionId: string, streamId: string, afterSeq: string | undefined) =>
      Effect.map(Clock.currentTimeMillis, (now): ReadonlyArray<StoredEvent> => {
        const stream = sessions.get(sessionId)?.get(streamId)
        if (stream === undefined || now - stream.lastAppendAt > ttlMillis) return []
        const index = afterSeq === undefined ? -1 : stream.events.findIndex((event) => event.seq === afterSeq)
        return stream.events.slice(index + 1)
      })

    return {
      append,
      after,
      removeSession: (sessionId) => Effect.sync(() => void sessions.delete(sessionId))
    }
  })
