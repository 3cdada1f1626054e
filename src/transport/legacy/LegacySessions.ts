/**
 * The 2025-era (sessionful) leg of `/mcp`: one SDK `WebStandardStreamableHTTPServerTransport` and
 * `Server` per `Mcp-Session-Id` *on this instance*. Session rules (owner 403, unknown/idle 404,
 * per-user cap, idle expiry) are decided by `SessionStore`, which may be shared by several
 * instances: a request for a live session this instance has not seen rebuilds it here
 * (`sessionRebuild.ts`, `singleFlightRebuild.ts`), a client's answer to another instance's
 * server→client request is forwarded there (`SessionBus`), and a session closed anywhere is closed
 * everywhere. SSE events go to the `EventStore`, so a broken stream resumes with `Last-Event-ID` on
 * any instance. A session unused for SESSION_HIBERNATE_AFTER — no request, no open stream, no
 * request pending either way — hibernates (`hibernation.ts`): its SDK objects are dropped and only
 * the store's record is kept; its next request rebuilds it through the same path another instance
 * would use. It stays an active session (gauge, idle expiry, DELETE, per-user cap) throughout.
 * This file opens, resumes and closes sessions; the registry, lookup, sweeps and HTTP answers
 * live beside it.
 */
import type { AuthInfo, Server } from "@modelcontextprotocol/server"
import { Duration, Effect, Option } from "effect"
import { ManaConfig } from "../../config/Config.ts"
import { Metrics } from "../../observability/Metrics.ts"
import { SessionBus } from "../../sessions/SessionBus.ts"
import { SessionStore } from "../../sessions/SessionStore.ts"
import { EventStore } from "../../streams/EventStore.ts"
import { MissingSession } from "../http/HttpFailure.ts"
import type { HttpFailure } from "../http/HttpFailure.ts"
import { isMessage } from "../http/jsonRpc.ts"
import { forkExpirySweep } from "./expirySweep.ts"
import { forkHibernation } from "./hibernation.ts"
import { discard, type LiveSession, makeLiveSession } from "./LiveSession.ts"
import { onBodyEnd } from "./onBodyEnd.ts"
import { responseOwner } from "./RoutedTransport.ts"
import { makeSessionLookup } from "./sessionLookup.ts"
import { handshakeOf, logLevelOf } from "./sessionRebuild.ts"
import { makeSessionRegistry } from "./sessionRegistry.ts"
import { makeSingleFlightRebuild } from "./singleFlightRebuild.ts"
import { transportFailure } from "./transportFailure.ts"

export interface LegacyRequest {
  readonly request: Request
  readonly userId: string
  readonly parsedBody: unknown
  readonly authInfo: AuthInfo
  /** A request the client can repeat: answered as plain JSON, without an SSE stream (`plainAnswers.ts`). */
  readonly plain?: boolean
  /**
   * A read the endpoint can answer without the session's SDK server (`transport/direct/`): taken
   * when the session's transport would accept the request as a plain answer.
   */
  readonly direct?: (session: LiveSession) => Effect.Effect<Response>
}

export interface LegacySessions {
  /** The SDK's answer, or why there is none (`HttpFailure`: 400 no session, 403/404, 503, 500). */
  readonly handle: (input: LegacyRequest) => Effect.Effect<Response, HttpFailure>
  /** Closes this instance's sessions (graceful shutdown); a shared store keeps them for other instances. */
  readonly closeAll: Effect.Effect<void>
}

export const makeLegacySessions = (makeServer: () => Server, maxRequestBodySize: number) =>
  Effect.gen(function*() {
    const store = yield* SessionStore
    const bus = yield* SessionBus
    const eventStore = yield* EventStore
    const metrics = yield* Metrics
    const { sessionHibernateAfter, sessionIdleTimeout } = yield* ManaConfig
    const runtime = yield* Effect.runtime<never>()
    const registry = makeSessionRegistry(metrics, bus, eventStore)
    const { closeLocal, endEverywhere, hibernated, live } = registry
    const makeSession = (id: string, userId: string) =>
      makeLiveSession({ makeServer, maxRequestBodySize, bus, eventStore, runtime }, id, userId)
    const lookup = makeSessionLookup(
      registry,
      store,
      Duration.toMillis(sessionIdleTimeout),
      makeSingleFlightRebuild(registry, metrics, makeSession)
    )

    const handleRequest = (session: LiveSession, input: LegacyRequest): Effect.Effect<Response, HttpFailure> =>
      input.direct !== undefined && session.routed.acceptsPlain(input.request, input.parsedBody) !== undefined
        ? input.direct(session)
        : handleBySdk(session, input)

    const handleBySdk = (session: LiveSession, input: LegacyRequest) =>
      Effect.tryPromise({
        try: () =>
          session.routed.handleRequest(
            input.request,
            { parsedBody: input.parsedBody, authInfo: input.authInfo },
            input.plain === true
          ),
        catch: transportFailure
      }).pipe(Effect.map((response) => {
        // A GET stream keeps the session from hibernating for as long as the client holds it.
        if (input.request.method !== "GET" || !response.ok) return response
        session.streams += 1
        return onBodyEnd(response, () => {
          session.streams -= 1
        })
      }))

    const open = (input: LegacyRequest) =>
      Effect.gen(function*() {
        const id = crypto.randomUUID()
        const session = yield* makeSession(id, input.userId)
        const response = yield* handleRequest(session, input)
        const handshake = handshakeOf(input.parsedBody)
        if (session.transport.sessionId !== id || handshake === undefined) {
          // Not an initialize (or a failed one): the SDK answered it; keep nothing.
          yield* discard(session)
          return response
        }
        const evicted = yield* store.create({ id, userId: input.userId, ...handshake }).pipe(
          Effect.tapError(() => discard(session))
        )
        yield* lookup.markVerified(session)
        live.set(id, session)
        yield* endEverywhere(evicted)
        return response
      })

    /** A POST that only answers other instances' requests: forward each answer to its owner. */
    const forwardable = (parsedBody: unknown) => {
      const messages = Array.isArray(parsedBody) ? parsedBody : [parsedBody]
      const routed = messages.map((message) => ({ owner: responseOwner(message), message }))
      return routed.length > 0 && routed.every(({ owner }) => owner !== undefined && owner !== bus.instanceId)
        ? routed
        : undefined
    }

    const resume = (id: string, input: LegacyRequest) =>
      Effect.gen(function*() {
        const answers = input.request.method === "POST" ? forwardable(input.parsedBody) : undefined
        const session = yield* lookup.takeSession(id, input.userId, input.request.url)
        const response = yield* Effect.gen(function*() {
          if (answers !== undefined) {
            yield* Effect.forEach(answers, ({ message, owner }) => bus.forward(owner ?? "", id, message), {
              discard: true
            })
            return new Response(null, { status: 202 })
          }
          return yield* handleRequest(session, input)
        }).pipe(Effect.ensuring(lookup.release(session)))
        if (input.request.method === "DELETE" && response.ok) {
          yield* store.remove(id)
          yield* endEverywhere([id])
        }
        // The level is replayed when the session is rebuilt: after hibernation or on another instance.
        const level = response.ok ? logLevelOf(input.parsedBody) : undefined
        if (level !== undefined) {
          session.logLevel = level
          // The level holds here either way; only a later rebuild would miss it.
          yield* store.setLogLevel(id, level).pipe(
            Effect.catchTag(
              "StateStoreUnavailable",
              () => Effect.logWarning("could not store the session's log level", { sessionId: id })
            )
          )
        }
        return response
      })

    const handle = (input: LegacyRequest): Effect.Effect<Response, HttpFailure> => {
      const id = input.request.headers.get("mcp-session-id")
      if (id !== null) return resume(id, input)
      if (input.request.method !== "POST") return Effect.fail(new MissingSession({ method: input.request.method }))
      return open(input)
    }

    yield* bus.listen({
      closed: (id) => closeLocal([id]),
      response: (sessionId, message) =>
        Effect.sync(() => {
          if (isMessage(message)) live.get(sessionId)?.routed.deliver(message)
        })
    })
    yield* forkExpirySweep(registry, store, eventStore, sessionIdleTimeout)
    if (Option.isSome(sessionHibernateAfter)) {
      yield* forkHibernation(registry, Duration.toMillis(sessionHibernateAfter.value))
    }

    // A shared store keeps this instance's sessions: clients carry on through another instance.
    const closeAll = Effect.suspend(() => {
      const ids = [...live.keys(), ...hibernated]
      const forget = store.shared ? Effect.void : Effect.forEach(
        ids,
        (id) => Effect.ignore(Effect.zipRight(store.remove(id), eventStore.removeSession(id))),
        { discard: true }
      )
      return Effect.zipRight(forget, closeLocal(ids))
    })
    yield* Effect.addFinalizer(() => closeAll)
    return { handle, closeAll } satisfies LegacySessions
  })
