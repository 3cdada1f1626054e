/**
 * The 2025-era (sessionful) leg of `/mcp`: one SDK `WebStandardStreamableHTTPServerTransport` and
 * `Server` per `Mcp-Session-Id` *on this instance*. Session rules (owner 403, unknown/idle 404,
 * per-user cap, idle expiry) are decided by `SessionStore`, which may be shared by several
 * instances: a request for a live session this instance has not seen rebuilds it here
 * (`sessionRebuild.ts`), a client's answer to another instance's server→client request is
 * forwarded there (`SessionBus`), and a session closed anywhere is closed everywhere. SSE events go
 * to the `EventStore`, so a broken stream resumes with `Last-Event-ID` on any instance. A session
 * unused for SESSION_HIBERNATE_AFTER — no request, no open stream, no request pending either way —
 * hibernates: its SDK objects are dropped and only the store's record is kept; its next request
 * rebuilds it through the same path another instance would use. It stays an active session
 * (gauge, idle expiry, DELETE, per-user cap) throughout.
 */
import { type AuthInfo, type Server, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server"
import { Clock, Deferred, Duration, Effect, FiberId, Option, Schedule } from "effect"
import { ManaConfig } from "../config/Config.ts"
import { Metrics } from "../observability/Metrics.ts"
import { SessionBus } from "../sessions/SessionBus.ts"
import type { SessionRecord } from "../sessions/SessionRecord.ts"
import { SessionStore } from "../sessions/SessionStore.ts"
import type { StateStoreUnavailable } from "../state/StateStoreUnavailable.ts"
import { EventStore } from "../streams/EventStore.ts"
import { collectGarbage } from "./collectGarbage.ts"
import { errorResponse } from "./httpResponses.ts"
import { isMessage } from "./jsonRpc.ts"
import { responseOwner, RoutedTransport } from "./RoutedTransport.ts"
import { makeSdkEventStore, type SessionEventStore } from "./sdkEventStore.ts"
import { handshakeOf, logLevelOf, RebuildFailed, replayHandshake } from "./sessionRebuild.ts"

interface LiveSession {
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
}

export interface LegacyRequest {
  readonly request: Request
  readonly userId: string
  readonly parsedBody: unknown
  readonly authInfo: AuthInfo
  /** A request the client can repeat: answered as plain JSON, without an SSE stream (`plainAnswers.ts`). */
  readonly plain?: boolean
}

export interface LegacySessions {
  readonly handle: (input: LegacyRequest) => Effect.Effect<Response>
  /** Closes this instance's sessions (graceful shutdown); a shared store keeps them for other instances. */
  readonly closeAll: Effect.Effect<void>
}

/** How long a resume on this instance waits for a result another instance is still producing. */
const resumeTailMillis = 30_000
/** The SSE `retry:` the SDK sends in priming events (clients ≥ 2025-11-25): reconnect after 1 s. */
const sseRetryMillis = 1_000
/** How often sessions are checked for hibernation: half the threshold, at most this. */
const maxHibernateSweepMillis = 10_000
/** A full collection (`collectGarbage`) runs once this many sessions hibernated, at a quiet sweep. */
const collectAfterSessions = 256
/** A request that finds its session hibernated or closed just after looking it up retries this often. */
const takeAttempts = 3

const transportFailure = (cause: unknown) =>
  errorResponse(
    500,
    "transport_error",
    "The MCP transport failed to handle this request; retry, or re-initialize the session",
    { detail: cause instanceof Error ? cause.name : "unknown" }
  )

const storeUnavailable = (error: StateStoreUnavailable) =>
  errorResponse(503, "state_store_unavailable", error.message, { store: error.store }, { "retry-after": "2" })

const rebuildFailed = (_: RebuildFailed) =>
  errorResponse(
    503,
    "session_unavailable",
    "This gateway instance could not restore the session; retry in a moment, or start a new session with an initialize request",
    {},
    { "retry-after": "1" }
  )

/** `response` with a body that calls `onEnd` once, when the client has read it all or gone away. */
export const onBodyEnd = (response: Response, onEnd: () => void): Response => {
  const body = response.body
  if (body === null) {
    onEnd()
    return response
  }
  let ended = false
  const end = () => {
    if (!ended) {
      ended = true
      onEnd()
    }
  }
  const reader = body.getReader()
  const tracked = new ReadableStream<Uint8Array>({
    pull: (controller) =>
      reader.read().then(
        ({ done, value }) => {
          if (done) {
            end()
            controller.close()
          } else controller.enqueue(value)
        },
        (error: unknown) => {
          end()
          controller.error(error)
        }
      ),
    cancel: (reason) => {
      end()
      return reader.cancel(reason)
    }
  })
  return new Response(tracked, { status: response.status, statusText: response.statusText, headers: response.headers })
}

export const makeLegacySessions = (makeServer: () => Server, maxRequestBodySize: number) =>
  Effect.gen(function*() {
    const store = yield* SessionStore
    const bus = yield* SessionBus
    const eventStore = yield* EventStore
    const metrics = yield* Metrics
    const { sessionHibernateAfter, sessionIdleTimeout } = yield* ManaConfig
    const idleMillis = Duration.toMillis(sessionIdleTimeout)
    const runtime = yield* Effect.runtime<never>()
    // Live SDK objects cannot leave this process; the store decides which ids are valid.
    const live = new Map<string, LiveSession>()
    // This instance's sessions whose SDK objects were dropped: only the store's record is left.
    const hibernated = new Set<string>()
    const building = new Map<string, Deferred.Deferred<LiveSession, RebuildFailed>>()
    let hibernatedSinceCollection = 0

    const publishCount = Effect.suspend(() =>
      Effect.zipRight(
        metrics.setSessionsActive(live.size + hibernated.size),
        metrics.setSessionsHibernated(hibernated.size)
      )
    )

    const discard = (session: LiveSession) =>
      Effect.promise(() => session.transport.close().then(() => session.server.close()).catch(() => undefined))

    const closeLocal = (ids: ReadonlyArray<string>) =>
      Effect.forEach(ids, (id) => {
        const session = live.get(id)
        live.delete(id)
        hibernated.delete(id)
        return session === undefined ? Effect.void : discard(session)
      }, { discard: true }).pipe(Effect.zipRight(publishCount))

    /** A session ended (DELETE, cap eviction): gone from the store, every instance and its events. */
    const endEverywhere = (ids: ReadonlyArray<string>) =>
      Effect.all([
        bus.announceClosed(ids).pipe(Effect.ignore),
        Effect.forEach(ids, (id) => Effect.ignore(eventStore.removeSession(id)), { discard: true }),
        closeLocal(ids)
      ], { discard: true })

    const makeSession = (id: string, userId: string) =>
      Effect.gen(function*() {
        const events = makeSdkEventStore(eventStore, runtime, {
          sessionId: id,
          instanceId: bus.instanceId,
          tailMillis: resumeTailMillis,
          pollMillis: 100
        })
        const transport = new WebStandardStreamableHTTPServerTransport({
          sessionIdGenerator: () => id,
          maxRequestBodySize,
          eventStore: events,
          retryInterval: sseRetryMillis
        })
        const routed = new RoutedTransport(transport, bus.instanceId)
        const server = makeServer()
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
          streams: 0
        }
        return session
      })

    const handleRequest = (session: LiveSession, input: LegacyRequest) =>
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
        yield* markVerified(session)
        live.set(id, session)
        yield* endEverywhere(evicted)
        return response
      })

    /** This instance's live session for `record`, rebuilt from the stored handshake if needed (single-flight). */
    const liveSession = (record: SessionRecord, url: string) =>
      Effect.suspend(() => {
        const existing = live.get(record.id)
        if (existing !== undefined) return Effect.succeed(existing)
        const pending = building.get(record.id)
        if (pending !== undefined) return Deferred.await(pending)
        const deferred = Deferred.unsafeMake<LiveSession, RebuildFailed>(FiberId.none)
        building.set(record.id, deferred)
        const rebuild = Effect.gen(function*() {
          const session = yield* makeSession(record.id, record.userId).pipe(
            Effect.orElse(() => Effect.dieMessage("connect failed"))
          )
          session.events.suspended = true
          yield* replayHandshake(session.transport, record.id, record, url).pipe(
            Effect.tapError(() => discard(session))
          )
          session.events.suspended = false
          session.activeAt = yield* Clock.currentTimeMillis
          const woken = hibernated.delete(record.id)
          live.set(record.id, session)
          yield* publishCount
          yield* metrics.sessionRebuilt(woken ? "hibernated" : "elsewhere")
          if (woken) yield* Effect.logDebug("hibernated session woken", { sessionId: record.id })
          else yield* Effect.logInfo("session rebuilt on this instance", { sessionId: record.id })
          return session
        })
        return rebuild.pipe(
          Effect.exit,
          Effect.tap((exit) => Deferred.done(deferred, exit)),
          Effect.ensuring(Effect.sync(() => building.delete(record.id))),
          Effect.flatten
        )
      })

    /** A POST that only answers other instances' requests: forward each answer to its owner. */
    const forwardable = (parsedBody: unknown) => {
      const messages = Array.isArray(parsedBody) ? parsedBody : [parsedBody]
      const routed = messages.map((message) => ({ owner: responseOwner(message), message }))
      return routed.length > 0 && routed.every(({ owner }) => owner !== undefined && owner !== bus.instanceId)
        ? routed
        : undefined
    }

    const markVerified = (session: LiveSession) =>
      Effect.gen(function*() {
        session.verifiedAt = yield* Clock.currentTimeMillis
        session.generation = Option.getOrElse(yield* store.generation, () => -1)
      })

    /**
     * With a shared store, a session live here, owned by the caller, used within the idle timeout
     * and verified under the store's current generation needs no round trip before the request:
     * a DELETE, eviction or expiry elsewhere reaches this instance as a "closed" message (which
     * drops it from `live`), and a reconnect (messages possibly lost) changes the generation. The
     * touch that keeps it alive in the store is sent without waiting; if it finds the session gone,
     * the session is closed here. Anything else takes the authoritative `touch` first.
     */
    const verifiedLocally = (id: string, userId: string) =>
      Effect.gen(function*() {
        const session = live.get(id)
        if (!store.shared || session === undefined || session.userId !== userId) return Option.none()
        const generation = yield* store.generation
        const now = yield* Clock.currentTimeMillis
        if (
          Option.isNone(generation) || generation.value !== session.generation ||
          now - session.verifiedAt > idleMillis
        ) return Option.none()
        session.verifiedAt = now
        yield* store.touch(id, userId).pipe(
          Effect.catchTags({
            SessionNotFound: () => closeLocal([id]),
            SessionForbidden: () => closeLocal([id])
          }),
          Effect.ignore,
          Effect.forkDaemon
        )
        return Option.some(session)
      })

    const authoritative = (id: string, input: LegacyRequest) =>
      Effect.gen(function*() {
        const record = yield* store.touch(id, input.userId)
        const session = yield* liveSession(record, input.request.url)
        yield* markVerified(session)
        return session
      })

    /**
     * Marks `session` in use by one request if it is still this instance's live session for `id`:
     * a hibernation sweep or a close may have dropped it since it was looked up (then `None`).
     */
    const take = (id: string, session: LiveSession) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          if (live.get(id) !== session) return Option.none<LiveSession>()
          session.requests += 1
          session.activeAt = now
          return Option.some(session)
        }))

    const release = (session: LiveSession) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.sync(() => {
          session.requests -= 1
          session.activeAt = now
        }))

    /** The live session for `id`, taken for this request (rebuilt if it was hibernated meanwhile). */
    const takeSession = (id: string, input: LegacyRequest) =>
      Effect.gen(function*() {
        const local = yield* verifiedLocally(id, input.userId)
        let candidate = Option.isSome(local) ? local.value : yield* authoritative(id, input)
        for (let attempt = 1;; attempt++) {
          const taken = yield* take(id, candidate)
          if (Option.isSome(taken)) return taken.value
          if (attempt >= takeAttempts) return yield* Effect.fail(new RebuildFailed({ step: "take" }))
          candidate = yield* authoritative(id, input)
        }
      })

    const resume = (id: string, input: LegacyRequest) =>
      Effect.gen(function*() {
        const answers = input.request.method === "POST" ? forwardable(input.parsedBody) : undefined
        const session = yield* takeSession(id, input)
        const response = yield* Effect.gen(function*() {
          if (answers !== undefined) {
            yield* Effect.forEach(answers, ({ message, owner }) => bus.forward(owner ?? "", id, message), {
              discard: true
            })
            return new Response(null, { status: 202 })
          }
          return yield* handleRequest(session, input)
        }).pipe(Effect.ensuring(release(session)))
        if (input.request.method === "DELETE" && response.ok) {
          yield* store.remove(id)
          yield* endEverywhere([id])
        }
        // The level is replayed when the session is rebuilt: after hibernation or on another instance.
        const level = response.ok ? logLevelOf(input.parsedBody) : undefined
        if (level !== undefined) {
          // The level holds here either way; only a later rebuild would miss it.
          yield* store.setLogLevel(id, level).pipe(
            Effect.catchTag(
              "StateStoreUnavailable",
              () => Effect.logWarning("could not store the session's log level", { sessionId: id })
            )
          )
        }
        return response
      }).pipe(
        Effect.catchTags({
          SessionNotFound: (error) => Effect.succeed(errorResponse(404, "session_not_found", error.message)),
          SessionForbidden: (error) => Effect.succeed(errorResponse(403, "forbidden_session", error.message)),
          StateStoreUnavailable: (error) => Effect.succeed(storeUnavailable(error)),
          RebuildFailed: (error) => Effect.succeed(rebuildFailed(error))
        })
      )

    const handle = (input: LegacyRequest): Effect.Effect<Response> => {
      const id = input.request.headers.get("mcp-session-id")
      if (id !== null) return Effect.merge(resume(id, input))
      if (input.request.method !== "POST") {
        return Effect.succeed(errorResponse(
          400,
          "missing_session",
          `${input.request.method} /mcp needs an Mcp-Session-Id header; open a session by POSTing an initialize request`
        ))
      }
      return open(input).pipe(
        Effect.catchTag("StateStoreUnavailable", (error) => Effect.succeed(storeUnavailable(error))),
        Effect.merge
      )
    }

    yield* bus.listen({
      closed: (id) => closeLocal([id]),
      response: (sessionId, message) =>
        Effect.sync(() => {
          if (isMessage(message)) live.get(sessionId)?.routed.deliver(message)
        })
    })

    const sweepEvery = Duration.millis(Math.min(Duration.toMillis(sessionIdleTimeout) / 2, 60_000))
    yield* Effect.suspend(() => store.expired([...live.keys(), ...hibernated])).pipe(
      Effect.tap((expired) =>
        store.shared
          ? Effect.void
          : Effect.forEach(expired, (id) => Effect.ignore(eventStore.removeSession(id)), { discard: true })
      ),
      Effect.flatMap(closeLocal),
      Effect.ignore,
      Effect.repeat(Schedule.spaced(sweepEvery)),
      Effect.forkScoped
    )

    /**
     * Drops the SDK objects of every session unused for `afterMillis`: no request since, no open
     * GET stream, no request pending in either direction. One synchronous pass, so a request
     * either took its session before (and it stays) or finds it gone and rebuilds it.
     */
    const hibernateIdle = (afterMillis: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.suspend(() => {
          const idle: Array<LiveSession> = []
          for (const [id, session] of live) {
            if (session.requests > 0 || session.streams > 0 || session.routed.busy) session.activeAt = now
            else if (now - session.activeAt >= afterMillis) {
              live.delete(id)
              hibernated.add(id)
              idle.push(session)
            }
          }
          hibernatedSinceCollection += idle.length
          return idle.length === 0
            ? Effect.void
            : Effect.zipRight(publishCount, Effect.forEach(idle, discard, { discard: true }))
        }))

    /**
     * The dropped SDK objects are garbage in the old generation: a busy gateway collects them at its
     * next full collection, an idle one may not for a long time and keeps them resident. So once
     * enough sessions hibernated, the first sweep that finds no 2025 request running collects
     * (at most once per sweep; the pause is logged at debug level). It runs before the sweep's own
     * pass, not after it: objects the pass just dropped are still referenced until it ends.
     */
    const collectIfQuiet = Effect.suspend(() => {
      if (
        hibernatedSinceCollection < collectAfterSessions ||
        [...live.values()].some((session) => session.requests > 0 || session.routed.busy)
      ) return Effect.void
      hibernatedSinceCollection = 0
      const started = performance.now()
      collectGarbage()
      return Effect.logDebug("collected garbage after hibernating sessions", {
        millis: Math.round(performance.now() - started)
      })
    })

    if (Option.isSome(sessionHibernateAfter)) {
      const afterMillis = Duration.toMillis(sessionHibernateAfter.value)
      yield* Effect.zipRight(collectIfQuiet, hibernateIdle(afterMillis)).pipe(
        Effect.repeat(Schedule.spaced(Duration.millis(Math.min(afterMillis / 2, maxHibernateSweepMillis)))),
        Effect.forkScoped
      )
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
