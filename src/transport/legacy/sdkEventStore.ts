/**
 * The SDK's `EventStore` for one 2025 session, over the EventStore service. Event ids are
 * `<streamId>/<seq>`, assigned here without a round trip (`seq` = instance id + counter, unique
 * across instances); the priming event is `<streamId>/0` and stores nothing. Appends are queued
 * in order and not awaited, so storing a result never delays sending it; a resume that comes
 * first simply waits for it. `replayEventsAfter` replays what is stored and, for a stream another
 * instance is writing (the call runs there), keeps polling until the stream's response arrives
 * or `tailMillis` pass — that is how a result produced on instance A reaches a client that resumed
 * on instance B.
 */
import type { EventStore as SdkEventStore, JSONRPCMessage } from "@modelcontextprotocol/server"
import { Clock, Effect, Runtime } from "effect"
import { type EventStoreShape, streamsPerSession } from "../../streams/EventStore.ts"
import { isMessage } from "../http/jsonRpc.ts"

export interface SessionEventStore extends SdkEventStore {
  /** While true (the handshake replayed to rebuild a session), events are not stored. */
  suspended: boolean
}

export interface SdkEventStoreOptions {
  readonly sessionId: string
  readonly instanceId: string
  readonly tailMillis: number
  readonly pollMillis: number
}

const standaloneStreamId = "_GET_stream"

/**
 * Local stream ids remembered per session: as many as the EventStore keeps streams per session
 * (`streamsPerSession`), so a long-lived busy session does not grow without bound. A resume
 * of a stream forgotten here still replays what is stored; it only polls as for a foreign stream.
 */
export const localStreamsKept = streamsPerSession

const isResponse = (message: JSONRPCMessage) => !("method" in message) && "id" in message

const parseEventId = (eventId: string) => {
  const at = eventId.lastIndexOf("/")
  return at <= 0 ? undefined : { streamId: eventId.slice(0, at), seq: eventId.slice(at + 1) }
}

export const makeSdkEventStore = (
  store: EventStoreShape,
  runtime: Runtime.Runtime<never>,
  options: SdkEventStoreOptions
): SessionEventStore => {
  const runPromise = Runtime.runPromise(runtime)
  // Streams this instance writes (their POST arrived here): a resume here needs no waiting.
  const localStreams = new Set<string>()
  let counter = 0
  let appends: Promise<unknown> = Promise.resolve()

  const replay = (
    streamId: string,
    afterSeq: string,
    send: (eventId: string, message: JSONRPCMessage) => Promise<void>
  ) =>
    Effect.gen(function*() {
      let cursor = afterSeq
      const waits = !localStreams.has(streamId) && streamId !== standaloneStreamId
      const deadline = (yield* Clock.currentTimeMillis) + options.tailMillis
      while (true) {
        let answered = false
        for (const event of yield* store.after(options.sessionId, streamId, cursor)) {
          cursor = event.seq
          const message = yield* Effect.try((): unknown => JSON.parse(event.message)).pipe(
            Effect.orElseSucceed(() => undefined)
          )
          if (!isMessage(message)) continue
          yield* Effect.promise(() => send(`${streamId}/${event.seq}`, message))
          answered ||= isResponse(message)
        }
        if (answered || !waits || (yield* Clock.currentTimeMillis) >= deadline) return
        yield* Effect.sleep(options.pollMillis)
      }
    })

  const adapter: SessionEventStore = {
    suspended: false,
    storeEvent: (streamId, message) => {
      if (!localStreams.has(streamId)) {
        localStreams.add(streamId)
        // Insertion order is age: drop the oldest beyond the bound.
        if (localStreams.size > localStreamsKept) {
          for (const oldest of localStreams) {
            localStreams.delete(oldest)
            break
          }
        }
      }
      if (adapter.suspended || !isMessage(message)) return Promise.resolve(`${streamId}/0`)
      counter += 1
      const seq = `${options.instanceId}.${counter}`
      const append = store.append(options.sessionId, streamId, { seq, message: JSON.stringify(message) })
      // Failures are counted by the store; the message still goes out on the live stream.
      appends = appends.then(() => runPromise(Effect.ignore(append)))
      return Promise.resolve(`${streamId}/${seq}`)
    },
    getStreamIdForEventId: (eventId) => Promise.resolve(parseEventId(eventId)?.streamId),
    replayEventsAfter: async (lastEventId, { send }) => {
      const parsed = parseEventId(lastEventId)
      if (parsed === undefined) return standaloneStreamId
      await runPromise(replay(parsed.streamId, parsed.seq, send))
      return parsed.streamId
    }
  }
  return adapter
}
