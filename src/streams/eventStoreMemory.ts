/**
 * The in-memory EventStore (`STATE_STORE=memory`): per session, per stream, an array of events
 * bounded by the limits (counts, and bytes of messages in all); Map insertion order is recency, so
 * the least recently appended stream and session go first. Age is checked with the Effect Clock
 * when a stream is read or appended.
 */
import { Clock, Duration, Effect } from "effect"
import type { EventStoreLimits, EventStoreShape, StoredEvent } from "./EventStoreShape.ts"

interface Stream {
  events: Array<StoredEvent>
  lastAppendAt: number
}

const sizeOf = (events: ReadonlyArray<StoredEvent>) =>
  events.reduce((sum, event) => sum + event.message.length + event.seq.length, 0)

const streamsSize = (streams: ReadonlyMap<string, Stream>) => {
  let sum = 0
  for (const stream of streams.values()) sum += sizeOf(stream.events)
  return sum
}

export const makeEventStoreMemory = (limits: EventStoreLimits) =>
  Effect.sync((): EventStoreShape => {
    const sessions = new Map<string, Map<string, Stream>>()
    const ttlMillis = Duration.toMillis(limits.ttl)
    let bytes = 0

    const trimOldest = <V>(map: Map<string, V>, max: number, size: (value: V) => number) => {
      while (map.size > max) {
        const first = map.entries().next()
        if (first.done === true) return
        bytes -= size(first.value[1])
        map.delete(first.value[0])
      }
    }

    /** Drops least recently appended sessions while the bytes are over the bound (never the current one). */
    const trimBytes = (current: string) => {
      for (const [id, streams] of sessions) {
        if (bytes <= limits.maxBytes || id === current) return
        bytes -= streamsSize(streams)
        sessions.delete(id)
      }
    }

    const append = (sessionId: string, streamId: string, event: StoredEvent) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          const streams = sessions.get(sessionId) ?? new Map<string, Stream>()
          sessions.delete(sessionId)
          sessions.set(sessionId, streams)
          const existing = streams.get(streamId)
          if (existing !== undefined && now - existing.lastAppendAt > ttlMillis) bytes -= sizeOf(existing.events)
          const stream = existing !== undefined && now - existing.lastAppendAt <= ttlMillis
            ? existing
            : { events: [], lastAppendAt: now }
          streams.delete(streamId)
          streams.set(streamId, stream)
          stream.events.push(event)
          bytes += sizeOf([event])
          stream.lastAppendAt = now
          if (stream.events.length > limits.eventsPerStream) {
            bytes -= sizeOf(stream.events.splice(0, stream.events.length - limits.eventsPerStream))
          }
          trimOldest(streams, limits.streamsPerSession, (old) => sizeOf(old.events))
          trimOldest(sessions, limits.sessions, streamsSize)
          trimBytes(sessionId)
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
      removeSession: (sessionId) =>
        Effect.sync(() => {
          const streams = sessions.get(sessionId)
          if (streams === undefined) return
          bytes -= streamsSize(streams)
          sessions.delete(sessionId)
        })
    }
  })
