/**
 * One 2025 session live on this instance: its SDK transport and `Server`, and what the instance
 * knows about its use (verification against the store, requests and GET streams in flight), which
 * the hibernation sweep reads. `makeLiveSession` builds and connects the SDK objects.
 */
import { type Server, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import { Clock, Effect, type Runtime } from "effect"
import type { SessionBusShape } from "../../sessions/SessionBus.ts"
import type { EventStoreShape } from "../../streams/EventStore.ts"
import { RoutedTransport } from "./RoutedTransport.ts"
import { makeSdkEventStore, type SessionEventStore } from "./sdkEventStore.ts"
import { transportFailure } from "./transportFailure.ts"

export interface LiveSession {
  readonly transport: WebStandardStreamableHTTPServerTransport
  readonly routed: RoutedTransport
  readonly server: Server
  readonly events: SessionEventStore
  /** The owner, from the store. */
  userId: string
  /** When this instance last saw the session valid in the store, or used it since (Clock ms). */
  verifiedAt: number
  /** The store's generation at that time (see `SessionStoreShape.generation`). */
  generation: number
  /** Clock ms of its last request here, or of the last hibernation sweep that found it in use. */
  activeAt: number
  /** Requests between taking this session and the SDK's answer (the answer's stream is `routed.busy`). */
  requests: number
  /** Open GET streams (the standalone stream, or a resumed one). */
  streams: number
  /** The level of the client's last `logging/setLevel` (as its SDK server holds it), for direct reads. */
  logLevel: string | undefined
}

/** How long a resume on this instance waits for a result another instance is still producing. */
const resumeTailMillis = 30_000
/** The SSE `retry:` the SDK sends in priming events (clients ≥ 2025-11-25): reconnect after 1 s. */
const sseRetryMillis = 1_000

export interface LiveSessionDeps {
  readonly makeServer: () => Server
  readonly maxRequestBodySize: number
  readonly bus: SessionBusShape
  readonly eventStore: EventStoreShape
  readonly runtime: Runtime.Runtime<never>
}

export const makeLiveSession = (deps: LiveSessionDeps, id: string, userId: string) =>
  Effect.gen(function*() {
    const events = makeSdkEventStore(deps.eventStore, deps.runtime, {
      sessionId: id,
      instanceId: deps.bus.instanceId,
      tailMillis: resumeTailMillis,
      pollMillis: 100
    })
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => id,
      maxRequestBodySize: deps.maxRequestBodySize,
      eventStore: events,
      retryInterval: sseRetryMillis
    })
    const routed = new RoutedTransport(transport, deps.bus.instanceId)
    const server = deps.makeServer()
    yield* Effect.tryPromise({ try: () => server.connect(routed), catch: transportFailure })
    const session: LiveSession = {
      transport,
      routed,
      server,
      events,
      userId,
      verifiedAt: 0,
      generation: -1,
      activeAt: yield* Clock.currentTimeMillis,
      requests: 0,
      streams: 0,
      logLevel: undefined
    }
    return session
  })

/** Closes the SDK objects of a session this instance drops (close, hibernation). */
export const discard = (session: LiveSession) =>
  Effect.promise(() => session.transport.close().then(() => session.server.close()).catch(() => undefined))
